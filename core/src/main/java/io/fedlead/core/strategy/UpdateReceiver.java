package io.fedlead.core.strategy;

import java.nio.ByteBuffer;

/**
 * Receives one client's update payload chunk by chunk as it arrives off the wire, then either folds it into
 * the round's running sum ({@link #finish()}) or discards it ({@link #abort()}). Not thread-safe: one upload
 * stream drives one receiver (gRPC serialises calls on a stream); different receivers may run concurrently.
 */
public interface UpdateReceiver {
    /**
     * Takes the chunk's remaining bytes as little-endian float32 and consumes them (position moves to limit).
     * Chunks may have any length, including ones that split a float across two chunks. Array-backed chunks of
     * 64 KB or more whose array is not much larger than the chunk are kept by reference, not copied, until
     * {@link #finish()} or {@link #abort()} returns: the caller must not change their bytes before then. Other
     * chunks are copied at once. The coordinator hands over views of each parsed message's own array (over TCP,
     * a fresh array per message; in-process, the sender's {@code ByteString}, which is immutable).
     *
     * @throws IllegalArgumentException if the payload would exceed 4 * parameter count bytes (the receiver is
     *                                  then closed and its chunks released)
     * @throws IllegalStateException    if the receiver was already finished or aborted
     */
    void accept(ByteBuffer littleEndianChunk);

    /**
     * Validates the complete payload (exact byte count, every value finite, optional L2 bound) and only then
     * folds it into the running sum atomically. Either way the receiver is closed afterwards.
     *
     * @throws IllegalArgumentException if the payload is rejected; the running sum is untouched
     * @throws IllegalStateException    if already closed, or the aggregator was reset since {@code begin}
     */
    AcceptedUpdate finish();

    /** Discards the upload and releases its chunks and upload slot; does nothing if already closed. */
    void abort();

    /** Payload bytes accepted so far. */
    long bytesReceived();
}
