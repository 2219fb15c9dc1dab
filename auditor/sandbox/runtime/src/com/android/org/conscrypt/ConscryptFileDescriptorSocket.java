package com.android.org.conscrypt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Android's TLS socket (the platform's repackaged Conscrypt), reduced to its two streams: what an app writes to a
 * TLS connection passes through `SSLOutputStream.write`, what it reads through `SSLInputStream.read`. The sandbox
 * has no network: the socket is a loopback, its input gives back what was written.
 */
public class ConscryptFileDescriptorSocket {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final SSLInputStream input = new SSLInputStream();
    private final SSLOutputStream output = new SSLOutputStream();
    private int readPosition;

    public InputStream getInputStream() {
        return input;
    }

    public OutputStream getOutputStream() {
        return output;
    }

    class SSLInputStream extends InputStream {
        SSLInputStream() {
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            synchronized (written) {
                byte[] data = written.toByteArray();
                if (readPosition >= data.length) {
                    return -1;
                }
                int length = Math.min(count, data.length - readPosition);
                System.arraycopy(data, readPosition, buffer, offset, length);
                readPosition += length;
                return length;
            }
        }
    }

    class SSLOutputStream extends OutputStream {
        SSLOutputStream() {
        }

        @Override
        public void write(int oneByte) throws IOException {
            write(new byte[] {(byte) oneByte}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int count) throws IOException {
            synchronized (written) {
                written.write(buffer, offset, count);
            }
        }
    }
}
