// `match` filters of catalog entries: which calls of a watched method an entry records.
import type { MatchContext, MatchSpec } from "./protocol.js";

/** A test of an argument's text; null text (an app object, an unreadable value) never matches. */
export type TextTest = (text: string | null) => boolean;

/** `*` any run of characters, `?` exactly one; everything else literal. */
export function globPattern(glob: string): RegExp {
    let source = "";
    for (const char of glob) {
        if (char === "*") {
            source += "[\\s\\S]*";
        } else if (char === "?") {
            source += "[\\s\\S]";
        } else {
            source += char.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
        }
    }
    return new RegExp(`^${source}$`);
}

export function compileMatch(spec: MatchSpec, context: MatchContext): TextTest {
    if (spec.equals !== undefined) {
        const values = new Set(spec.equals);
        return text => text !== null && values.has(text);
    }
    if (spec.prefix !== undefined) {
        const prefixes = spec.prefix;
        return text => text !== null && prefixes.some(prefix => text.startsWith(prefix));
    }
    if (spec.glob !== undefined) {
        const patterns = spec.glob.map(globPattern);
        return text => text !== null && patterns.some(pattern => pattern.test(text));
    }
    if (spec.other_package === true) {
        const own = context.appPackage;
        return text => text !== null && text !== own;
    }
    throw new Error("match needs one of equals, prefix, glob, other_package");
}

/** Checks a match spec as it arrives from the host; returns an error text or null. */
export function matchProblem(match: unknown): string | null {
    if (match === null || match === undefined) {
        return null;
    }
    const spec = match as Partial<MatchSpec>;
    if (typeof spec !== "object" || !Number.isInteger(spec.arg) || (spec.arg as number) < 0) {
        return "match must be {arg, equals | prefix | glob}";
    }
    const lists = [spec.equals, spec.prefix, spec.glob].filter(list => list !== undefined);
    if (spec.other_package !== undefined) {
        return spec.other_package === true && lists.length === 0 ? null
            : "match.other_package must be true and come alone";
    }
    if (lists.length !== 1 || !lists.every(list => Array.isArray(list) && list.length > 0
        && list.every(item => typeof item === "string"))) {
        return "match needs exactly one non-empty list of strings: equals, prefix or glob, or other_package";
    }
    return null;
}
