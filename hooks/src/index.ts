// consent-audit's Frida agent. The host loads it, calls `init` with the hook catalog, and receives
// `events:batch`, `hooks:coverage` and `agent:log` messages (shapes in protocol.ts).
import Java from "frida-java-bridge";

import { Outbox } from "./events.js";
import { HookInstaller } from "./installer.js";
import {
    DEFAULT_OPTIONS, type AgentOptions, type CoverageMessage, type Cursor, type HookEntry, type InitRequest,
    type InitResult,
} from "./protocol.js";

const outbox = new Outbox(DEFAULT_OPTIONS);
let initialised = false;

function checkedOptions(given: Partial<AgentOptions> | undefined): AgentOptions {
    const options: AgentOptions = { ...DEFAULT_OPTIONS };
    for (const [name, value] of Object.entries(given ?? {})) {
        if (!(name in DEFAULT_OPTIONS)) {
            throw new Error(`init: unknown option ${name}`);
        }
        if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
            throw new Error(`init: option ${name} must be a positive integer, got ${JSON.stringify(value)}`);
        }
        options[name as keyof AgentOptions] = value;
    }
    return options;
}

function checkedEntries(entries: unknown): HookEntry[] {
    if (!Array.isArray(entries)) {
        throw new Error("init: entries must be a list");
    }
    return entries.map((entry: Partial<HookEntry>, index) => {
        const where = `init: entries[${index}]`;
        for (const field of ["id", "cls", "method"] as const) {
            if (typeof entry[field] !== "string" || entry[field] === "") {
                throw new Error(`${where}.${field} must be a non-empty string`);
            }
        }
        const overloads = entry.overloads;
        const overloadsValid = overloads === "all" || (Array.isArray(overloads)
            && overloads.every(list => Array.isArray(list) && list.every(type => typeof type === "string")));
        if (!overloadsValid) {
            throw new Error(`${where}.overloads must be "all" or lists of parameter types`);
        }
        const match = entry.match ?? null;
        if (match !== null && (!Number.isInteger(match.arg) || !Array.isArray(match.equals))) {
            throw new Error(`${where}.match must be {arg, equals}`);
        }
        return entry as HookEntry;
    });
}

function init(request: InitRequest): Promise<InitResult> {
    if (initialised) {
        return Promise.reject(new Error("init: hooks are already installed in this process"));
    }
    const options = checkedOptions(request.options);
    const entries = checkedEntries(request.entries);
    if (!Java.available) {
        return Promise.reject(new Error(`init: no Java VM in process ${request.process?.name ?? "?"}`));
    }
    initialised = true;
    outbox.configure(options);
    return new Promise((resolve, reject) => {
        Java.perform(() => {
            try {
                const coverage = new HookInstaller(outbox, options).install(entries);
                const message: CoverageMessage = { type: "hooks:coverage", ...coverage };
                send(message);
                // On HotSpot the bridge swaps method code in on the next tick: answer only after that,
                // so that "init returned" means "the hooks fire".
                Script.nextTick(() => resolve({ ts: Date.now(), ...coverage }));
            } catch (error) {
                reject(error);
            }
        });
    });
}

rpc.exports = {
    init,
    cursor(): Cursor {
        return outbox.cursor();
    },
    finish(): Cursor {
        return outbox.finish();
    },
    // Frida calls this when the script is unloaded or the process exits. On exit what it sends still
    // arrives; on an unload it does not, which is why the host calls `finish` first.
    dispose(): void {
        outbox.flush();
    },
};
