package android.net;

/** The Wi-Fi network's DHCP answer; addresses as little-endian ints, as on Android. */
@Deprecated
public class DhcpInfo {
    public int ipAddress;
    public int gateway;
    public int netmask;
    public int dns1;
    public int dns2;
    public int serverAddress;
    public int leaseDuration;

    public DhcpInfo() {
    }

    private static String address(int value) {
        return (value & 0xff) + "." + ((value >> 8) & 0xff) + "." + ((value >> 16) & 0xff) + "." + ((value >>> 24) & 0xff);
    }

    @Override
    public String toString() {
        return "ipaddr " + address(ipAddress) + " gateway " + address(gateway) + " netmask " + address(netmask)
                + " dns1 " + address(dns1) + " dns2 " + address(dns2) + " DHCP server " + address(serverAddress)
                + " lease " + leaseDuration + " seconds";
    }
}
