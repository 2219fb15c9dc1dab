// The benchmark's floor: a bare hook that only counts. Every overload of one method is replaced by a function
// that increments a counter and calls the original, the least any Frida Java hook can do.
import Java from "frida-java-bridge";

let calls = 0;

rpc.exports = {
    install(cls: string, method: string): Promise<number> {
        return new Promise(resolve => {
            Java.perform(() => {
                const overloads: Java.Method[] = Java.use(cls)[method].overloads;
                for (const overload of overloads) {
                    overload.implementation = function (this: Java.Wrapper, ...args: unknown[]): unknown {
                        calls++;
                        return overload.apply(this, args);
                    };
                }
                // The bridge swaps the hooked code in on the next tick, through a VM operation run from this thread
                // that leaves it marked as inside the VM: one JNI call marks it back as native code, or the VM
                // would wait for it at its next safepoint, forever.
                Script.nextTick(() => {
                    Java.use("java.lang.Thread").currentThread();
                    resolve(overloads.length);
                });
            });
        });
    },
    calls(): number {
        return calls;
    },
};
