package libcore.io;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * Android's hidden file-opening bridge (libcore): on a device FileInputStream, FileOutputStream and RandomAccessFile
 * open their files through `open(String, int)`. The sandbox's JDK streams do not, so only a direct call (by
 * reflection, as some SDKs make it) reaches it here.
 */
public final class IoBridge {
    private static final int O_ACCMODE = 3;
    private static final int O_RDONLY = 0;

    private IoBridge() {
    }

    public static FileDescriptor open(String path, int flags) throws FileNotFoundException {
        try {
            if ((flags & O_ACCMODE) == O_RDONLY) {
                return new FileInputStream(path).getFD();
            }
            return new RandomAccessFile(path, "rw").getFD();
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(path + ": open failed: ENOENT (No such file or directory)");
        } catch (IOException e) {
            throw new FileNotFoundException(path + ": open failed: " + e.getMessage());
        }
    }
}
