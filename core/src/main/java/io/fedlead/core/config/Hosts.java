package io.fedlead.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a host, as written in a config or on a command line, is the loopback interface, where plaintext gRPC is
 * allowed by default (nothing crosses a network). Decided from the text alone: a host name other than
 * {@code localhost} is never resolved, since DNS could answer anything.
 */
public final class Hosts {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Hosts() {
    }

    /** True for {@code localhost}, 127.0.0.0/8 and ::1 (with or without brackets). */
    public static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        Matcher v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return v4.group(1).equals("127");
        }
        if (!host.contains(":")) {
            return false; // a host name: not resolved here
        }
        try {
            // With a colon the JDK parses an IPv6 literal and never asks DNS.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
