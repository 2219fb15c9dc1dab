// The benchmark's naive baseline, what peer tools do on every call of a hooked API: build an exception for its
// stack trace, render every frame, and send one message per call with the stack, the arguments and the result.
import Java from "frida-java-bridge";

let calls = 0;

rpc.exports = {
    install(cls: string, method: string): Promise<number> {
        return new Promise(resolve => {
            Java.perform(() => {
                const throwable = Java.use("java.lang.Throwable");
                const overloads: Java.Method[] = Java.use(cls)[method].overloads;
                for (const overload of overloads) {
                    overload.implementation = function (this: Java.Wrapper, ...args: unknown[]): unknown {
                        calls++;
                        const result = overload.apply(this, args);
                        const elements: Java.Wrapper[] = throwable.$new().getStackTrace();
                        const stack = elements.map(element => element.toString() as string);
                        send({
                            type: "call", api: `${cls}.${method}`, args: args.map(String), result: String(result),
                            stack, ts: Date.now(),
                        });
                        return result;
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
