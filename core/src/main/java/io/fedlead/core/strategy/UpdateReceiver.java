package io.fedlead.core.strategy;

import java.nio.ByteBuffer;

/**
 * Receives one client's update payload chunk by chunk as it arrives off the wire, then either folds it into
 * the round's running sum ({@link #finish()}) or discards it ({@link #abort()}). Not thread-safe: one upload
 * stream drives one receiver (gRPC serialises calls on a stream); different receivers may run concurrently.
 */
public interface UpdateReceiver {
    /**
     * Decodes the chunk's remaining bytes as little-endian float32 and consumes them (position moves to limit).
     * Chunks may have any length, including ones that split a float across two chunks.
     *
     * @throws IllegalArgumentException if the payload would exceed 4 * parameter count bytes (the receiver is
     *                                  then closed and its scratch released)
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

    /** Discards the upload and releases its scratch buffer; does nothing if already closed. */
    void abort();

    /** Payload bytes accepted so far. */
    long bytesReceived();
}
