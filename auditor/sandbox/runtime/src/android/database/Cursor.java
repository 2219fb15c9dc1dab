package android.database;

import java.io.Closeable;

public interface Cursor extends Closeable {
    int getCount();

    boolean moveToFirst();

    boolean moveToNext();

    int getColumnIndex(String columnName);

    String getString(int columnIndex);

    int getInt(int columnIndex);

    long getLong(int columnIndex);

    boolean isClosed();

    @Override
    void close();
}
