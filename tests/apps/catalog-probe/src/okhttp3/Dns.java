package okhttp3;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Stand-in for OkHttp's Dns: SYSTEM is OkHttp 3.0-3.12's anonymous class (okhttp3.Dns$1), LAMBDA_SYSTEM OkHttp
 * 3.13-3.14's lambda (its body is okhttp3.Dns.lambda$static$0, javac's name for it, as in the real jar),
 * Companion.SYSTEM OkHttp 4's DnsSystem (okhttp3.Dns$Companion$DnsSystem); all resolve through
 * InetAddress.getAllByName.
 */
public interface Dns {
    /** OkHttp 3.13's SYSTEM (a stand-in field name: the real one is SYSTEM). */
    Dns LAMBDA_SYSTEM = hostname -> {
        if (hostname == null) {
            throw new UnknownHostException("hostname == null");
        }
        return Arrays.asList(InetAddress.getAllByName(hostname));
    };

    Dns SYSTEM = new Dns() {
        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            if (hostname == null) {
                throw new UnknownHostException("hostname == null");
            }
            return Arrays.asList(InetAddress.getAllByName(hostname));
        }
    };

    List<InetAddress> lookup(String hostname) throws UnknownHostException;

    final class Companion {
        public static final Dns SYSTEM = new DnsSystem();

        private Companion() {
        }

        private static final class DnsSystem implements Dns {
            @Override
            public List<InetAddress> lookup(String hostname) throws UnknownHostException {
                return Arrays.asList(InetAddress.getAllByName(hostname));
            }
        }
    }
}
