import Java from "frida-java-bridge";

// Reports every TelephonyManager.getImei() call with the stack that made it, and how it ended.
rpc.exports = {
  install(): Promise<number> {
    return new Promise((resolve) => {
      Java.perform(() => {
        const telephony = Java.use("android.telephony.TelephonyManager");
        const throwable = Java.use("java.lang.Throwable");
        let installed = 0;
        for (const overload of telephony.getImei.overloads) {
          overload.implementation = function (this: any, ...args: any[]) {
            const stack = throwable.$new().getStackTrace().map((frame: any) => frame.toString());
            try {
              const value = overload.call(this, ...args);
              send({ type: "call", api: "getImei", returned: String(value), stack });
              return value;
            } catch (error: any) {
              send({ type: "call", api: "getImei", threw: String(error), stack });
              throw error;
            }
          };
          installed++;
        }
        resolve(installed);
      });
    });
  },
};
