package android.net;

/** A network's interface, addresses, DNS servers and routes. */
public final class LinkProperties {
    LinkProperties() {
    }

    public String getInterfaceName() {
        return "wlan0";
    }

    @Override
    public String toString() {
        return "{InterfaceName: wlan0 LinkAddresses: [ fe80::d48e:41ff:fe7a:2c95/64,192.168.1.23/24,"
                + "2409:8a1e:6f33:1d20:d48e:41ff:fe7a:2c95/64 ] DnsAddresses: [ /192.168.1.1,/114.114.114.114 ]"
                + " Domains: lan MTU: 1500 Routes: [ fe80::/64 -> :: wlan0,192.168.1.0/24 -> 0.0.0.0 wlan0,"
                + "0.0.0.0/0 -> 192.168.1.1 wlan0 ]}";
    }
}
