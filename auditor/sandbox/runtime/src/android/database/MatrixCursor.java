package android.database;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A cursor over rows held in memory, as Android's MatrixCursor. */
public class MatrixCursor implements Cursor {
    private final String[] mColumns;
    private final List<Object[]> mRows = new ArrayList<>();
    private int mPosition = -1;
    private boolean mClosed;

    public MatrixCursor(String[] columnNames) {
        mColumns = columnNames.clone();
    }

    public void addRow(Object[] columnValues) {
        if (columnValues.length != mColumns.length) {
            throw new IllegalArgumentException("columnNames.length = " + mColumns.length + ", columnValues.length = "
                    + columnValues.length);
        }
        mRows.add(columnValues.clone());
    }

    public String[] getColumnNames() {
        return mColumns.clone();
    }

    @Override
    public int getCount() {
        return mRows.size();
    }

    @Override
    public boolean moveToFirst() {
        mPosition = 0;
        return !mRows.isEmpty();
    }

    @Override
    public boolean moveToNext() {
        if (mPosition < mRows.size()) {
            mPosition++;
        }
        return mPosition < mRows.size();
    }

    @Override
    public int getColumnIndex(String columnName) {
        return Arrays.asList(mColumns).indexOf(columnName);
    }

    private Object value(int columnIndex) {
        if (mPosition < 0 || mPosition >= mRows.size()) {
            throw new CursorIndexOutOfBoundsException(mPosition, mRows.size());
        }
        return mRows.get(mPosition)[columnIndex];
    }

    @Override
    public String getString(int columnIndex) {
        Object value = value(columnIndex);
        return value == null ? null : value.toString();
    }

    @Override
    public int getInt(int columnIndex) {
        Object value = value(columnIndex);
        return value instanceof Number ? ((Number) value).intValue() : Integer.parseInt(String.valueOf(value));
    }

    @Override
    public long getLong(int columnIndex) {
        Object value = value(columnIndex);
        return value instanceof Number ? ((Number) value).longValue() : Long.parseLong(String.valueOf(value));
    }

    @Override
    public boolean isClosed() {
        return mClosed;
    }

    @Override
    public void close() {
        mClosed = true;
    }

    @Override
    public String toString() {
        return "android.database.MatrixCursor@" + Integer.toHexString(System.identityHashCode(this)) + "["
                + mRows.size() + " rows]";
    }
}
