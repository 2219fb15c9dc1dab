// Java stacks at a hooked call: innermost first, starting at the hooked method, without the hook's own frames.
import { jniCalls } from "./jni.js";

/** JDK 9+ prefixes a frame with `loader/module@version/`; Android never does. */
function withoutModulePrefix(frame: string): string {
    const open = frame.indexOf("(");
    const head = open >= 0 ? frame.substring(0, open) : frame;
    const segments = head.split("/");
    if (segments.length === 1) {
        return frame;
    }
    let first = segments.length - 1;
    // A hidden class (`Foo$$Lambda$14/0x0000000800c03000`) keeps its own slash.
    if (first > 0 && segments[first]?.startsWith("0x")) {
        first--;
    }
    return segments.slice(first).join("/") + (open >= 0 ? frame.substring(open) : "");
}

function methodOf(frame: string): string {
    const open = frame.indexOf("(");
    return open >= 0 ? frame.substring(0, open) : frame;
}

/**
 * Drop what hooking adds to a stack. A hooked method runs as a stub that calls the original code, so a
 * hooked method whose original is running shows twice in a row: the original's frame, then the stub's
 * `X.m(Native Method)` just outside it. The stub of the method being recorded stays: its original has
 * not run yet, so it is the only frame of that call.
 */
export function cleanFrames(rawFrames: string[], cls: string, method: string, hooked: ReadonlySet<string>,
                            depth: number): string[] {
    const frames = rawFrames.map(withoutModulePrefix);
    const recorded = `${cls}.${method}`;
    const start = frames.findIndex(frame => methodOf(frame) === recorded);
    const fromRecorded = start >= 0 ? frames.slice(start) : frames;
    const kept: string[] = [];
    let awaitingStub: string | null = null;
    for (const [index, frame] of fromRecorded.entries()) {
        const name = methodOf(frame);
        if (awaitingStub === name && frame.endsWith("(Native Method)")) {
            awaitingStub = null;
            continue;
        }
        kept.push(frame);
        if (kept.length >= depth) {
            break;
        }
        awaitingStub = index > 0 && hooked.has(name) ? name : null;
    }
    return kept;
}

/** The current Java stack at a call of `cls.method`, cleaned and cut to `depth` frames. */
export function captureStack(cls: string, method: string, hooked: ReadonlySet<string>, depth: number): string[] {
    return cleanFrames(jniCalls.stackFrames(), cls, method, hooked, depth);
}
