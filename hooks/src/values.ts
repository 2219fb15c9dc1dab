// Describing Java values for the record without changing them, and without running the app's own code.
import type { AgentOptions, AgentThrown, AgentValue } from "./protocol.js";
import { jniCalls } from "./jni.js";
import { sourceTypeName } from "./javatypes.js";
import type { JavaProbe } from "./probe.js";

/**
 * Classes whose toString() is platform code. Anything else is the app's (or an SDK's): calling into it
 * from a hook could change what the app does, so such objects are described by class name alone.
 */
const FRAMEWORK_PREFIXES = ["java.", "javax.", "android.", "dalvik.", "libcore.", "sun.", "jdk.", "com.android."];

export function isFrameworkClass(name: string): boolean {
    return FRAMEWORK_PREFIXES.some(prefix => name.startsWith(prefix));
}

type JsonItem = string | number | boolean | null;

interface WrapperLike {
    $h: NativePointer;
}

function isWrapper(value: unknown): value is WrapperLike {
    return typeof value === "object" && value !== null && (value as WrapperLike).$h instanceof NativePointer;
}

function jsonNumber(value: number): number | string {
    return Number.isFinite(value) ? value : String(value);
}

function int64Value(value: Int64 | UInt64): number | string {
    const asNumber = value.toNumber();
    return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}

export class ValueDescriber {
    constructor(private readonly options: AgentOptions, private readonly probe: JavaProbe) {}

    /** Describe `value`, which the bridge handed over for a parameter or result of type `declared`. */
    describe(value: unknown, declared: string): AgentValue {
        const type = sourceTypeName(declared);
        if (value === null || value === undefined) {
            return { t: "null", v: null };
        }
        if (typeof value === "boolean") {
            return { t: type, v: value };
        }
        if (typeof value === "number") {
            return { t: type, v: jsonNumber(value) };
        }
        if (value instanceof Int64 || value instanceof UInt64) {
            return { t: type, v: int64Value(value) };
        }
        if (typeof value === "string") {
            return this.text(type === "char" ? "char" : "java.lang.String", value);
        }
        if (Array.isArray(value)) {
            // Object arrays arrive as JavaScript arrays of already converted elements.
            const elementType = type.endsWith("[]") ? type.slice(0, -2) : "java.lang.Object";
            return this.sequence(type, value.length, index => this.item(value[index], elementType));
        }
        if (isWrapper(value)) {
            if (type === "java.lang.String") {
                // A String parameter or result is a String (or null, handled above): no class lookup needed.
                return this.javaString(value.$h);
            }
            if (typeof (value as { length?: unknown }).length === "number" && type.endsWith("[]")) {
                const primitives = value as unknown as ArrayLike<unknown>;
                const elementType = type.slice(0, -2);
                return this.sequence(type, primitives.length, index => this.item(primitives[index], elementType));
            }
            if (type.endsWith("[]")) {
                // An object array as a bare handle: its first elements, each described like a collection's.
                const shown: JsonItem[] = [];
                const size = jniCalls.arrayItems(value.$h, this.options.maxItems,
                    element => shown.push(this.handleItem(element)));
                return { t: type, v: shown, n: size };
            }
            return this.object(value.$h);
        }
        return { t: type, v: String(value) };
    }

    /** The class and message of a Java exception. An app's exception class keeps its message to itself. */
    describeThrowable(handle: NativePointer): AgentThrown {
        const cls = this.probe.className(handle);
        if (!isFrameworkClass(cls)) {
            return { cls, message: "" };
        }
        return { cls, message: this.truncate(jniCalls.throwableMessage(handle) ?? "") };
    }

    /**
     * The text of an argument, for `match` filters: a string's, a number's or boolean's, a platform object's
     * toString() (a Uri, a URL); null for null and for the app's own objects, whose code is never run.
     */
    matchText(value: unknown): string | null {
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
            return String(value);
        }
        if (value instanceof Int64 || value instanceof UInt64) {
            return value.toString();
        }
        if (!isWrapper(value) || value.$h.isNull()) {
            return null;
        }
        const cls = this.probe.className(value.$h);
        if (cls === "java.lang.String") {
            return this.probe.stringText(value.$h, Number.MAX_SAFE_INTEGER).text;
        }
        return isFrameworkClass(cls) && !cls.startsWith("[") ? jniCalls.render(value.$h) : null;
    }

    /** `this` of a call: the object a method runs on, described like any other value. */
    describeReceiver(receiver: unknown, declaringClass: string): AgentValue {
        if (isWrapper(receiver)) {
            return receiver.$h.isNull() ? { t: "null", v: null } : this.object(receiver.$h);
        }
        return { t: declaringClass, v: null };
    }

    private truncate(text: string): string {
        return text.length > this.options.maxChars ? text.substring(0, this.options.maxChars) : text;
    }

    private text(type: string, text: string): AgentValue {
        if (text.length > this.options.maxChars) {
            return { t: type, v: text.substring(0, this.options.maxChars), n: text.length };
        }
        return { t: type, v: text };
    }

    private sequence(type: string, size: number, itemAt: (index: number) => JsonItem): AgentValue {
        const shown: JsonItem[] = [];
        const count = Math.min(size, this.options.maxItems);
        for (let index = 0; index < count; index++) {
            shown.push(itemAt(index));
        }
        return { t: type, v: shown, n: size };
    }

    /** One element of an array or collection, as a plain JSON value. */
    private item(value: unknown, declared: string): JsonItem {
        return this.flatten(this.describe(value, declared));
    }

    private flatten(described: AgentValue): JsonItem {
        if (described.v === undefined) {
            return described.t;
        }
        if (Array.isArray(described.v)) {
            return `${described.t}(${described.n ?? described.v.length})`;
        }
        return described.v as JsonItem;
    }

    private handleItem(handle: NativePointer): JsonItem {
        return handle.isNull() ? null : this.flatten(this.object(handle));
    }

    private javaString(handle: NativePointer): AgentValue {
        const { text, length } = this.probe.stringText(handle, this.options.maxChars);
        return length > text.length ? { t: "java.lang.String", v: text, n: length } : { t: "java.lang.String", v: text };
    }

    private object(handle: NativePointer): AgentValue {
        const cls = this.probe.className(handle);
        if (cls === "java.lang.String") {
            return this.javaString(handle);
        }
        if (!isFrameworkClass(cls)) {
            return { t: cls };
        }
        if (cls.startsWith("[")) {
            return { t: sourceTypeName(cls) };
        }
        try {
            // Collections are walked element by element, never by their own toString(), which would call
            // toString() on app objects inside them.
            if (jniCalls.isCollection(handle)) {
                const shown: JsonItem[] = [];
                const size = jniCalls.collectionItems(handle, this.options.maxItems,
                    element => shown.push(this.handleItem(element)));
                return { t: cls, v: shown, n: size };
            }
            if (jniCalls.isMap(handle)) {
                const shown: JsonItem[] = [];
                const size = jniCalls.mapItems(handle, this.options.maxItems,
                    (key, value) => shown.push(`${String(this.handleItem(key))}=${String(this.handleItem(value))}`));
                return { t: cls, v: shown, n: size };
            }
            return this.text(cls, jniCalls.render(handle) ?? "null");
        } catch (error) {
            return { t: cls, v: `<could not describe: ${(error as Error).message}>` };
        }
    }
}
