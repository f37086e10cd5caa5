package io.rendler.common;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Which IP addresses belong to this machine or a private network rather than the public internet:
 * what the request-forgery guard keeps a crawled page away from.
 */
public final class AddressRanges {

    private AddressRanges() {}

    /**
     * True for loopback, unspecified, private (RFC 1918), carrier-grade NAT, link-local, multicast and
     * reserved IPv4 addresses, and for IPv6 loopback, unspecified, unique-local, link-local,
     * site-local and multicast addresses, plus IPv6 forms that embed an IPv4 address which is one
     * of those (IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}).
     */
    public static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) return isInternalV4(b);
        if ((b[0] & 0xFE) == 0xFC) return true; // fc00::/7, unique local
        if (allZero(b, 0, 12)) return isInternalV4(slice(b, 12)); // ::a.b.c.d, IPv4-compatible
        if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B && allZero(b, 4, 12)) {
            return isInternalV4(slice(b, 12)); // 64:ff9b::/96, NAT64
        }
        if (b[0] == 0x20 && b[1] == 0x02) return isInternalV4(slice(b, 2)); // 2002::/16, 6to4
        return false;
    }

    private static boolean isInternalV4(byte[] b) {
        int first = b[0] & 0xFF;
        int second = b[1] & 0xFF;
        if (first == 0 || first == 10 || first == 127 || first >= 224) return true; // this network, private, loopback, multicast, reserved
        if (first == 100 && (second & 0xC0) == 64) return true; // 100.64.0.0/10, carrier-grade NAT
        if (first == 169 && second == 254) return true;
        if (first == 172 && (second & 0xF0) == 16) return true;
        if (first == 192 && second == 168) return true;
        if (first == 192 && second == 0 && (b[2] & 0xFF) == 0) return true; // 192.0.0.0/24, IETF protocol assignments
        return first == 198 && (second & 0xFE) == 18; // 198.18.0.0/15, benchmarking
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) return false;
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }
}
