package android.net;

import java.net.URI;
import java.net.URISyntaxException;

/** A parsed URI reference. Parsing never fails, as on Android: parts of an unparseable string are null. */
public abstract class Uri implements Comparable<Uri> {
    public static final Uri EMPTY = parse("");

    public static Uri parse(String uriString) {
        if (uriString == null) {
            throw new NullPointerException("uriString");
        }
        return new StringUri(uriString);
    }

    public abstract String getScheme();

    public abstract String getHost();

    public abstract String getPath();

    public abstract String getQuery();

    @Override
    public abstract String toString();

    @Override
    public int compareTo(Uri other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Uri && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    private static final class StringUri extends Uri {
        private final String text;
        private final URI parsed;

        StringUri(String text) {
            this.text = text;
            URI candidate;
            try {
                candidate = new URI(text);
            } catch (URISyntaxException e) {
                candidate = null;
            }
            this.parsed = candidate;
        }

        @Override
        public String getScheme() {
            return parsed == null ? null : parsed.getScheme();
        }

        @Override
        public String getHost() {
            return parsed == null ? null : parsed.getHost();
        }

        @Override
        public String getPath() {
            return parsed == null ? null : parsed.getPath();
        }

        @Override
        public String getQuery() {
            return parsed == null ? null : parsed.getQuery();
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
