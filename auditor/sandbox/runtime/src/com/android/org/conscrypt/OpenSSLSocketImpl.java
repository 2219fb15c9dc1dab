package com.android.org.conscrypt;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Android's TLS socket up to Android 8 (the platform's repackaged Conscrypt), reduced to its two streams, which
 * Android 9 moved to ConscryptFileDescriptorSocket. The sandbox keeps it, as it keeps other APIs later levels
 * removed, so that hooks for older devices are exercised: a loopback, as ConscryptFileDescriptorSocket.
 */
public class OpenSSLSocketImpl {
    private final LoopbackBuffer connection = new LoopbackBuffer();
    private final SSLInputStream input = new SSLInputStream();
    private final SSLOutputStream output = new SSLOutputStream();

    public InputStream getInputStream() {
        return input;
    }

    public OutputStream getOutputStream() {
        return output;
    }

    class SSLInputStream extends LoopbackBuffer.Input {
        SSLInputStream() {
            connection.super();
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            return super.read(buffer, offset, count);
        }
    }

    class SSLOutputStream extends LoopbackBuffer.Output {
        SSLOutputStream() {
            connection.super();
        }

        @Override
        public void write(byte[] buffer, int offset, int count) {
            super.write(buffer, offset, count);
        }
    }
}
