package io.fedlead.client;

import io.fedlead.core.config.YamlConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client's append-only JSON-lines ledger of the updates it sent (one {@link LedgerEntry} per line, kebab-case
 * keys). It is read whole on open, so a client's privacy budget survives restarts, and each append is forced to disk
 * before the update leaves, so a crash can only over-count what was spent, never under-count it.
 */
public final class UpdateLedger {
    private final Path file;
    private final List<LedgerEntry> entries;

    private UpdateLedger(Path file, List<LedgerEntry> entries) {
        this.file = file;
        this.entries = new ArrayList<>(entries);
    }

    /**
     * Opens the ledger at {@code file}, reading the lines already there (a missing file is an empty ledger).
     *
     * @throws IllegalArgumentException naming the file and line if a line is not a valid entry
     */
    public static UpdateLedger open(Path file) {
        Objects.requireNonNull(file, "file");
        return new UpdateLedger(file, read(file));
    }

    /** The entries of the ledger at {@code file}, oldest first; errors name the file and line. */
    public static List<LedgerEntry> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ledger " + file + ": " + e.getMessage(), e);
        }
        List<LedgerEntry> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = "ledger " + file + " line " + (i + 1);
            if (!line.startsWith("{")) {
                throw new IllegalArgumentException(where + ": is not a JSON object: '" + abbreviate(line) + "'");
            }
            try {
                out.add(YamlConfig.parse(line, where, LedgerEntry.class));
            } catch (IllegalArgumentException e) {
                throw e.getMessage() != null && e.getMessage().contains(where) ? e
                        : new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    public Path file() {
        return file;
    }

    public synchronized List<LedgerEntry> entries() {
        return List.copyOf(entries);
    }

    /** Appends one line and forces it to disk. */
    public synchronized void append(LedgerEntry entry) {
        Objects.requireNonNull(entry, "entry");
        byte[] line = (YamlConfig.toCompactJson(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to ledger " + file + ": " + e.getMessage(), e);
        }
        entries.add(entry);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
