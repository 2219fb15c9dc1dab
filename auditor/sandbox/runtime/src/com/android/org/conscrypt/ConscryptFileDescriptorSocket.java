package com.android.org.conscrypt;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Android's TLS socket (the platform's repackaged Conscrypt, Android 9 and later), reduced to its two streams:
 * what an app writes to a TLS connection passes through `SSLOutputStream.write`, what it reads through
 * `SSLInputStream.read`. The sandbox has no network: the socket is a loopback, its input gives back what was written.
 */
public class ConscryptFileDescriptorSocket {
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
