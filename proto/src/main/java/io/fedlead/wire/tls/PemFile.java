package io.fedlead.wire.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A PEM file and the setting that named it: a config key ({@code tls.cert-chain}) or a command-line flag
 * ({@code --tls-ca}), so that every error about the file says which setting to fix.
 *
 * @param setting the config key or flag the path came from
 * @param path    the file, as configured (relative paths resolve against the working directory)
 */
public record PemFile(String setting, Path path) {
    public PemFile {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(path, "path");
    }

    /** Reads the whole file; a missing or unreadable file is an {@link IllegalArgumentException} naming the setting. */
    byte[] read() {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw problem("no such file" + absoluteHint());
        } catch (IOException e) {
            throw problem("cannot be read: " + e);
        }
    }

    /** An error in the house format: {@code 'tls.cert-chain' is pki/c.pem: <what is wrong>}. */
    IllegalArgumentException problem(String what) {
        return new IllegalArgumentException("'" + setting + "' is " + path + ": " + what);
    }

    /** An error for a file given without its partner, e.g. a certificate without its private key. */
    public IllegalArgumentException problemWithout(String partner) {
        return problem("given without " + partner + "; a client or server certificate needs both");
    }

    private String absoluteHint() {
        return path.isAbsolute() ? "" : " (resolved against the working directory: " + path.toAbsolutePath() + ")";
    }
}
