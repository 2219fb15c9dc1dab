package com.android.org.conscrypt;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The sandbox's stand-in for a TLS connection: no network, what is written is what can be read back. The sockets'
 * own stream classes (named as on Android) extend its streams and declare the methods hooks watch.
 */
final class LoopbackBuffer {
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int readPosition;

    class Input extends InputStream {
        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            synchronized (LoopbackBuffer.this) {
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

    class Output extends OutputStream {
        @Override
        public void write(int oneByte) {
            write(new byte[] {(byte) oneByte}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int count) {
            synchronized (LoopbackBuffer.this) {
                written.write(buffer, offset, count);
            }
        }
    }
}
