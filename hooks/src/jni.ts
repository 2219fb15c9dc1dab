// JNI calls made directly for the work every recorded call repeats (thread, stack, strings, toString):
// a call through the bridge's wrappers costs tens of microseconds, the same JNI call a few. Uses the
// bridge's Env (pinned frida-java-bridge 7.0.13).
import Java from "frida-java-bridge";

type NativeCall = (...args: unknown[]) => unknown;

/** The parts of the bridge's JNIEnv wrapper the agent uses (the bridge types it as `any`). */
interface Env {
    handle: NativePointer;
    findClass(name: string): NativePointer;
    newGlobalRef(handle: NativePointer): NativePointer;
    deleteLocalRef(handle: NativePointer): void;
    getMethodId(klass: NativePointer, name: string, signature: string): NativePointer;
    getStaticMethodId(klass: NativePointer, name: string, signature: string): NativePointer;
    vaMethod(returnType: string, argumentTypes: string[]): NativeCall;
    getArrayLength(handle: NativePointer): number;
    getObjectArrayElement(handle: NativePointer, index: number): NativePointer;
    isInstanceOf(handle: NativePointer, klass: NativePointer): boolean;
    stringFromJni(handle: NativePointer): string;
    throwIfExceptionPending(): void;
    pushLocalFrame(capacity: number): number;
    popLocalFrame(result: NativePointer): NativePointer;
}

interface ClassRef {
    klass: NativePointer;
    methods: Record<string, NativePointer>;
}

export interface ThreadInfo {
    tid: number;
    tname: string;
}

function env(): Env {
    return Java.vm.getEnv() as Env;
}

function resolve(name: string, methods: Record<string, [string, string, "static" | "instance"]>): ClassRef {
    const jni = env();
    const local = jni.findClass(name);
    const klass = jni.newGlobalRef(local);
    jni.deleteLocalRef(local);
    const ids: Record<string, NativePointer> = {};
    for (const [key, [method, signature, kind]] of Object.entries(methods)) {
        ids[key] = kind === "static"
            ? jni.getStaticMethodId(klass, method, signature)
            : jni.getMethodId(klass, method, signature);
        jni.throwIfExceptionPending();
    }
    return { klass, methods: ids };
}

function id(ref: ClassRef, key: string): NativePointer {
    const method = ref.methods[key];
    if (method === undefined) {
        throw new Error(`JNI method ${key} not resolved`);
    }
    return method;
}

function asNumber(value: unknown): number {
    if (value instanceof Int64 || value instanceof UInt64) {
        return value.toNumber();
    }
    return Number(value);
}

/** Local references made inside `body` are released when it returns. */
function inLocalFrame<T>(body: (jni: Env) => T): T {
    const jni = env();
    jni.pushLocalFrame(16);
    try {
        return body(jni);
    } finally {
        jni.popLocalFrame(NULL);
    }
}

/** JNIEnv function table slots (JNI specification, "Interface Function Table"). */
const JNI_SLOT = {
    ExceptionOccurred: 15,
    PushLocalFrame: 19,
    PopLocalFrame: 20,
    NewObject: 28,
    CallObjectMethod: 34,
    CallLongMethod: 52,
    CallStaticObjectMethod: 114,
    GetStringLength: 164,
    GetStringChars: 165,
    ReleaseStringChars: 166,
} as const;

/**
 * JNI functions called without releasing the script lock. Frida's default releases and retakes it around
 * every native call, about a microsecond each from an app thread, and recording one call makes dozens.
 * Only for calls that cannot block on another thread: a thread waiting for the lock while holding a
 * monitor one of these needs would deadlock. So: the current thread's identity and stack, and strings;
 * never toString() of an arbitrary object or a collection's methods.
 */
class ExclusiveJni {
    private readonly exceptionOccurred: NativeFunction<NativePointer, [NativePointerValue]>;
    private readonly pushLocalFrameCall: NativeFunction<number, [NativePointerValue, number]>;
    private readonly popLocalFrameCall: NativeFunction<NativePointer, [NativePointerValue, NativePointerValue]>;
    private readonly newObject: NativeFunction<NativePointer, [NativePointerValue, NativePointerValue, NativePointerValue]>;
    private readonly callObject: NativeFunction<NativePointer, [NativePointerValue, NativePointerValue, NativePointerValue]>;
    private readonly callLong: NativeFunction<Int64, [NativePointerValue, NativePointerValue, NativePointerValue]>;
    private readonly callStaticObject: NativeFunction<NativePointer, [NativePointerValue, NativePointerValue, NativePointerValue]>;
    private readonly callStaticObjectWithObject:
        NativeFunction<NativePointer, [NativePointerValue, NativePointerValue, NativePointerValue, NativePointerValue]>;
    private readonly stringLength: NativeFunction<number, [NativePointerValue, NativePointerValue]>;
    private readonly stringChars: NativeFunction<NativePointer, [NativePointerValue, NativePointerValue, NativePointerValue]>;
    private readonly releaseChars: NativeFunction<void, [NativePointerValue, NativePointerValue, NativePointerValue]>;

    constructor(table: NativePointer) {
        const slot = (index: number): NativePointer => table.add(index * Process.pointerSize).readPointer();
        const options: NativeFunctionOptions = { exceptions: "propagate", scheduling: "exclusive" };
        this.exceptionOccurred = new NativeFunction(slot(JNI_SLOT.ExceptionOccurred), "pointer", ["pointer"], options);
        this.pushLocalFrameCall = new NativeFunction(slot(JNI_SLOT.PushLocalFrame), "int32", ["pointer", "int32"], options);
        this.popLocalFrameCall = new NativeFunction(slot(JNI_SLOT.PopLocalFrame), "pointer", ["pointer", "pointer"], options);
        this.newObject = new NativeFunction(slot(JNI_SLOT.NewObject), "pointer",
            ["pointer", "pointer", "pointer", "..."], options);
        this.callObject = new NativeFunction(slot(JNI_SLOT.CallObjectMethod), "pointer",
            ["pointer", "pointer", "pointer", "..."], options);
        this.callLong = new NativeFunction(slot(JNI_SLOT.CallLongMethod), "int64",
            ["pointer", "pointer", "pointer", "..."], options);
        this.callStaticObject = new NativeFunction(slot(JNI_SLOT.CallStaticObjectMethod), "pointer",
            ["pointer", "pointer", "pointer", "..."], options);
        this.callStaticObjectWithObject = new NativeFunction(slot(JNI_SLOT.CallStaticObjectMethod), "pointer",
            ["pointer", "pointer", "pointer", "...", "pointer"], options);
        this.stringLength = new NativeFunction(slot(JNI_SLOT.GetStringLength), "int32", ["pointer", "pointer"], options);
        this.stringChars = new NativeFunction(slot(JNI_SLOT.GetStringChars), "pointer",
            ["pointer", "pointer", "pointer"], options);
        this.releaseChars = new NativeFunction(slot(JNI_SLOT.ReleaseStringChars), "void",
            ["pointer", "pointer", "pointer"], options);
    }

    /** Runs `body` in a fresh local frame; a pending Java exception becomes the bridge's JavaScript error. */
    run<T>(body: (jni: NativePointer) => T): T {
        const bridgeEnv = env();
        const jni = bridgeEnv.handle;
        this.pushLocalFrameCall(jni, 16);
        try {
            const result = body(jni);
            if (!this.exceptionOccurred(jni).isNull()) {
                bridgeEnv.throwIfExceptionPending();
            }
            return result;
        } finally {
            this.popLocalFrameCall(jni, NULL);
        }
    }

    checked(jni: NativePointer): void {
        if (!this.exceptionOccurred(jni).isNull()) {
            env().throwIfExceptionPending();
        }
    }

    construct(jni: NativePointer, klass: NativePointer, method: NativePointer): NativePointer {
        const result = this.newObject(jni, klass, method);
        this.checked(jni);
        return result;
    }

    objectMethod(jni: NativePointer, target: NativePointer, method: NativePointer): NativePointer {
        const result = this.callObject(jni, target, method);
        this.checked(jni);
        return result;
    }

    longMethod(jni: NativePointer, target: NativePointer, method: NativePointer): number {
        const result = this.callLong(jni, target, method);
        this.checked(jni);
        return asNumber(result);
    }

    staticObjectMethod(jni: NativePointer, klass: NativePointer, method: NativePointer,
                       argument: NativePointer | null = null): NativePointer {
        const result = argument === null
            ? this.callStaticObject(jni, klass, method)
            : this.callStaticObjectWithObject(jni, klass, method, argument);
        this.checked(jni);
        return result;
    }

    text(jni: NativePointer, handle: NativePointer): string {
        if (handle.isNull()) {
            return "";
        }
        const chars = this.stringChars(jni, handle, NULL);
        try {
            return chars.readUtf16String(this.stringLength(jni, handle)) ?? "";
        } finally {
            this.releaseChars(jni, handle, chars);
        }
    }
}

class JniCalls {
    private refs: Record<"object" | "thread" | "throwable" | "arrays" | "collection" | "map" | "entry", ClassRef> | null = null;
    private fast: ExclusiveJni | null = null;

    /** Resolve classes and method ids once, on a thread attached to the VM (init runs in Java.perform). */
    prepare(): void {
        if (this.refs !== null) {
            return;
        }
        this.fast = new ExclusiveJni(env().handle.readPointer());
        this.refs = {
            object: resolve("java/lang/Object", { render: ["toString", "()Ljava/lang/String;", "instance"] }),
            thread: resolve("java/lang/Thread", {
                currentThread: ["currentThread", "()Ljava/lang/Thread;", "static"],
                getId: ["getId", "()J", "instance"],
                getName: ["getName", "()Ljava/lang/String;", "instance"],
            }),
            throwable: resolve("java/lang/Throwable", {
                init: ["<init>", "()V", "instance"],
                getStackTrace: ["getStackTrace", "()[Ljava/lang/StackTraceElement;", "instance"],
                getMessage: ["getMessage", "()Ljava/lang/String;", "instance"],
            }),
            arrays: resolve("java/util/Arrays", {
                render: ["toString", "([Ljava/lang/Object;)Ljava/lang/String;", "static"],
            }),
            collection: resolve("java/util/Collection", {
                size: ["size", "()I", "instance"],
                toArray: ["toArray", "()[Ljava/lang/Object;", "instance"],
            }),
            map: resolve("java/util/Map", {
                size: ["size", "()I", "instance"],
                entrySet: ["entrySet", "()Ljava/util/Set;", "instance"],
            }),
            entry: resolve("java/util/Map$Entry", {
                getKey: ["getKey", "()Ljava/lang/Object;", "instance"],
                getValue: ["getValue", "()Ljava/lang/Object;", "instance"],
            }),
        };
        // Load and initialise every class these calls touch now, before any hook fires: class loading
        // takes a loader lock, which must never be waited for while the script lock is held.
        this.currentThread();
        this.stackFrames();
    }

    private get ref(): NonNullable<JniCalls["refs"]> {
        if (this.refs === null) {
            this.prepare();
        }
        return this.refs as NonNullable<JniCalls["refs"]>;
    }

    private get exclusive(): ExclusiveJni {
        if (this.fast === null) {
            this.prepare();
        }
        return this.fast as ExclusiveJni;
    }

    currentThread(): ThreadInfo {
        const { thread } = this.ref;
        const fast = this.exclusive;
        return fast.run(jni => {
            const current = fast.staticObjectMethod(jni, thread.klass, id(thread, "currentThread"));
            const tid = fast.longMethod(jni, current, id(thread, "getId"));
            const tname = fast.text(jni, fast.objectMethod(jni, current, id(thread, "getName")));
            return { tid, tname };
        });
    }

    /**
     * The current Java stack, innermost first, each frame as StackTraceElement.toString(). One
     * Arrays.toString() renders them all, so the cost hardly grows with depth; no frame text contains
     * ", " (class, method and file names cannot), so splitting on it is exact.
     */
    stackFrames(): string[] {
        const { throwable, arrays } = this.ref;
        const fast = this.exclusive;
        return fast.run(jni => {
            const created = fast.construct(jni, throwable.klass, id(throwable, "init"));
            const elements = fast.objectMethod(jni, created, id(throwable, "getStackTrace"));
            const text = fast.text(jni, fast.staticObjectMethod(jni, arrays.klass, id(arrays, "render"), elements));
            // "[a, b, c]"; an empty stack is "[]".
            const inner = text.substring(1, text.length - 1);
            return inner === "" ? [] : inner.split(", ");
        });
    }

    /** `handle.toString()`; null if it returned null. Throws (the bridge's error) if it threw. */
    render(handle: NativePointer): string | null {
        const { object } = this.ref;
        return inLocalFrame(jni => {
            const text = jni.vaMethod("pointer", [])(jni.handle, handle, id(object, "render")) as NativePointer;
            jni.throwIfExceptionPending();
            return text.isNull() ? null : jni.stringFromJni(text);
        });
    }

    throwableMessage(handle: NativePointer): string | null {
        const { throwable } = this.ref;
        return inLocalFrame(jni => {
            const text = jni.vaMethod("pointer", [])(jni.handle, handle, id(throwable, "getMessage")) as NativePointer;
            jni.throwIfExceptionPending();
            return text.isNull() ? null : jni.stringFromJni(text);
        });
    }

    isCollection(handle: NativePointer): boolean {
        return env().isInstanceOf(handle, this.ref.collection.klass);
    }

    isMap(handle: NativePointer): boolean {
        return env().isInstanceOf(handle, this.ref.map.klass);
    }

    /** Length and first `limit` elements of an object array, handed to `visit` as local references valid only then. */
    arrayItems(handle: NativePointer, limit: number, visit: (element: NativePointer) => void): number {
        return inLocalFrame(jni => {
            const length = jni.getArrayLength(handle);
            for (let index = 0; index < Math.min(length, limit); index++) {
                const element = jni.getObjectArrayElement(handle, index);
                try {
                    visit(element);
                } finally {
                    jni.deleteLocalRef(element);
                }
            }
            return length;
        });
    }

    /**
     * Size and first `limit` elements of a collection (or a map's entries, as [key, value]), handed to
     * `visit` as local references valid only during the call.
     */
    collectionItems(handle: NativePointer, limit: number, visit: (element: NativePointer) => void): number {
        const { collection } = this.ref;
        return inLocalFrame(jni => {
            const size = jni.vaMethod("int32", [])(jni.handle, handle, id(collection, "size")) as number;
            jni.throwIfExceptionPending();
            const array = jni.vaMethod("pointer", [])(jni.handle, handle, id(collection, "toArray")) as NativePointer;
            jni.throwIfExceptionPending();
            const count = Math.min(jni.getArrayLength(array), limit);
            for (let index = 0; index < count; index++) {
                const element = jni.getObjectArrayElement(array, index);
                visit(element);
                jni.deleteLocalRef(element);
            }
            return size;
        });
    }

    mapItems(handle: NativePointer, limit: number, visit: (key: NativePointer, value: NativePointer) => void): number {
        const { map, entry } = this.ref;
        return inLocalFrame(jni => {
            const size = jni.vaMethod("int32", [])(jni.handle, handle, id(map, "size")) as number;
            jni.throwIfExceptionPending();
            const entries = jni.vaMethod("pointer", [])(jni.handle, handle, id(map, "entrySet")) as NativePointer;
            jni.throwIfExceptionPending();
            this.collectionItems(entries, limit, element => {
                const key = jni.vaMethod("pointer", [])(jni.handle, element, id(entry, "getKey")) as NativePointer;
                jni.throwIfExceptionPending();
                const value = jni.vaMethod("pointer", [])(jni.handle, element, id(entry, "getValue")) as NativePointer;
                jni.throwIfExceptionPending();
                visit(key, value);
                jni.deleteLocalRef(key);
                jni.deleteLocalRef(value);
            });
            return size;
        });
    }
}

export const jniCalls = new JniCalls();
