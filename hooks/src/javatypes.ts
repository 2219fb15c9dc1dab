// Java type names in the two notations the agent meets, and the few bridge internals it relies on.
import Java from "frida-java-bridge";

const PRIMITIVE_BY_DESCRIPTOR: Record<string, string> = {
    Z: "boolean", B: "byte", C: "char", S: "short", I: "int", J: "long", F: "float", D: "double", V: "void",
};
const DESCRIPTOR_BY_PRIMITIVE: Record<string, string> = Object.fromEntries(
    Object.entries(PRIMITIVE_BY_DESCRIPTOR).map(([descriptor, name]) => [name, descriptor]));

/** `[Ljava.lang.String;` -> `java.lang.String[]`, `[I` -> `int[]`, anything else unchanged. */
export function sourceTypeName(name: string): string {
    let dimensions = 0;
    while (name[dimensions] === "[") {
        dimensions++;
    }
    if (dimensions === 0) {
        return name;
    }
    const element = name.substring(dimensions);
    let base: string;
    if (element.startsWith("L") && element.endsWith(";")) {
        base = element.substring(1, element.length - 1);
    } else {
        base = PRIMITIVE_BY_DESCRIPTOR[element] ?? element;
    }
    return base + "[]".repeat(dimensions);
}

/** `java.lang.String[]` -> `[Ljava.lang.String;`: the notation `Method.overload()` expects for arrays. */
export function bridgeTypeName(name: string): string {
    let base = name.trim();
    let dimensions = 0;
    while (base.endsWith("[]")) {
        base = base.substring(0, base.length - 2).trim();
        dimensions++;
    }
    if (dimensions === 0) {
        return base;
    }
    const element = DESCRIPTOR_BY_PRIMITIVE[base] ?? `L${base};`;
    return "[".repeat(dimensions) + element;
}

/** `(java.lang.String,long,float)`: how events and coverage name an overload. */
export function signatureOf(method: Java.Method): string {
    return "(" + method.argumentTypes.map(type => sourceTypeName(type.className ?? type.name)).join(",") + ")";
}

interface MethodInternals {
    _p?: unknown[];
}

/** A Java object as hooked methods see it: its JNI reference, and nothing the bridge would build around it. */
export interface Handle {
    $h: NativePointer;
    $dispose?: () => void;
}

export interface GlobalRefs {
    globalRef(handle: NativePointer): NativePointer;
    dropGlobalRef(handle: NativePointer): void;
}

interface BridgeType {
    name: string;
    type: string;
    className?: string;
    fromJni(handle: NativePointer, env: unknown, owned: boolean): unknown;
    toJni(value: unknown, env: { newStringUtf(text: string): NativePointer }): NativePointer;
    isCompatible(value: unknown): boolean;
}

/** Objects and arrays of objects; not primitive arrays (`[I`), which the bridge handles without a class loader. */
function isObjectType(type: BridgeType): boolean {
    return type.type === "pointer" && !(type.name.length === 2 && type.name.startsWith("["));
}

/**
 * Make a hooked method hand object values (parameters and results, object arrays included) through as bare handles.
 *
 * By default the bridge wraps every object value in a proxy with a global reference and a weak callback, checks a
 * result with a `Class.isInstance()` call, and turns Strings into JavaScript strings and back, so the app would get an
 * equal but different String, which breaks code that compares by identity. For a class of an app's own class loader
 * it would also look object array types up through that loader, which cannot load array classes: the call would
 * fail inside the app. Here an argument stays the reference the
 * app passed (valid for the duration of the call), and a result of the original method is held by a global reference
 * the bridge releases (through `$dispose`) once it has handed the object back to the app: the app receives the very
 * object, and a hook pays a few JNI calls instead of the wrapper's machinery. This touches bridge internals (pinned at
 * frida-java-bridge 7.0.13): returns false, leaving the method as it was, if they changed.
 */
export function useHandleTypes(method: Java.Method, refs: GlobalRefs): boolean {
    const params = (method as unknown as MethodInternals)._p;
    if (!Array.isArray(params) || params.length < 6) {
        return false;
    }
    const returnType = params[4] as BridgeType | undefined;
    const argumentTypes = params[5] as BridgeType[] | undefined;
    if (returnType === undefined || !Array.isArray(argumentTypes)
        || ![returnType, ...argumentTypes].every(type => typeof type?.name === "string" && typeof type.fromJni === "function")) {
        return false;
    }
    const handleType = (original: BridgeType): BridgeType => {
        if (!isObjectType(original)) {
            return original;
        }
        return Object.assign({}, original, {
            fromJni(handle: NativePointer, _env: unknown, owned: boolean): Handle | null {
                if (handle.isNull()) {
                    return null;
                }
                if (!owned) {
                    return { $h: handle };
                }
                // The result of calling the original: its local reference dies with the bridge's local frame.
                const global = refs.globalRef(handle);
                return { $h: global, $dispose: () => refs.dropGlobalRef(global) };
            },
            toJni(value: unknown, env: { newStringUtf(text: string): NativePointer }): NativePointer {
                if (value === null || value === undefined) {
                    return NULL;
                }
                if (typeof value === "string") {
                    return env.newStringUtf(value);
                }
                return (value as Handle).$h;
            },
            // A hook only ever returns what the original returned: a structural check is exact.
            isCompatible(value: unknown): boolean {
                return value === null || typeof value === "string"
                    || (typeof value === "object" && (value as { $h?: unknown }).$h instanceof NativePointer);
            },
        });
    };
    params[4] = handleType(returnType);
    params[5] = argumentTypes.map(handleType);
    return true;
}
