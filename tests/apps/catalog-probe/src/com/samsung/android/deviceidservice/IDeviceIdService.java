package com.samsung.android.deviceidservice;

import android.os.IBinder;

/** Stand-in for Samsung's device-id service AIDL interface, with its generated Stub and Proxy. */
public interface IDeviceIdService {
    String getOAID() throws Exception;

    String getVAID(String packageName) throws Exception;

    String getAAID(String packageName) throws Exception;

    abstract class Stub implements IDeviceIdService {
        public static IDeviceIdService asInterface(IBinder binder) {
            return new Proxy(binder);
        }

        private static class Proxy implements IDeviceIdService {
            private final IBinder remote;

            Proxy(IBinder remote) {
                this.remote = remote;
            }

            @Override
            public String getOAID() {
                return "5c1a0d2e-7b3f-4e8a-9c6d-1f2e3a4b5c6d";
            }

            @Override
            public String getVAID(String packageName) {
                return "d4c3b2a1-0f9e-8d7c-6b5a-4f3e2d1c0b9a";
            }

            @Override
            public String getAAID(String packageName) {
                return "11223344-5566-7788-99aa-bbccddeeff00";
            }
        }
    }
}
