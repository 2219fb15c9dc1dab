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

/** The raw JNI calls the agent makes without a wrapper round trip (the bridge types its Env as `any`). */
export interface RawEnv {
    getObjectClassName(handle: NativePointer): string;
    stringFromJni(handle: NativePointer): string;
    isInstanceOf(handle: NativePointer, klass: NativePointer): boolean;
}

export function rawEnv(): RawEnv {
    return Java.vm.getEnv() as RawEnv;
}

interface MethodInternals {
    _p?: unknown[];
}

interface FactoryInternals {
    _getType?: (name: string, unbox: boolean) => Java.Type;
}

/**
 * Make a method hand java.lang.String values through as the original objects.
 *
 * The bridge converts String arguments and results to JavaScript strings and back, so without this the
 * app would receive an equal but different String object, which breaks code that compares by identity.
 * Swapping in the bridge's non-unboxing String type keeps the handle. This touches bridge internals
 * (pinned at frida-java-bridge 7.0.13): returns false, leaving the method as it was, if they changed.
 */
export function keepStringIdentity(method: Java.Method): boolean {
    const params = (method as unknown as MethodInternals)._p;
    const factory = Java.classFactory as unknown as FactoryInternals;
    if (!Array.isArray(params) || params.length < 6 || typeof factory._getType !== "function") {
        return false;
    }
    const returnType = params[4] as Java.Type | undefined;
    const argumentTypes = params[5] as Java.Type[] | undefined;
    if (returnType === undefined || !Array.isArray(argumentTypes)) {
        return false;
    }
    const handleType = factory._getType.call(Java.classFactory, "java.lang.String", false);
    // The bridge checks a hook's result with String.class.isInstance(), a Java call per return; the hook
    // only ever returns what the original returned, so a cheap structural check is exact.
    const stringType: Java.Type = Object.assign({}, handleType, {
        isCompatible: (value: unknown): boolean => value === null || typeof value === "string"
            || (typeof value === "object" && (value as { $h?: unknown }).$h instanceof NativePointer),
    });
    const keep = (type: Java.Type): Java.Type => type.className === "java.lang.String" ? stringType : type;
    params[4] = keep(returnType);
    params[5] = argumentTypes.map(keep);
    return true;
}
