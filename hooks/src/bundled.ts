// App-bundled classes (`bundled: true`: androidx, SDKs): they are not in the platform, so they are hooked where they
// are, in the class loader that has them, as soon as that loader has them and before any of their code runs.
//
// When a class loader can have them:
//   - at `init`, every class loader alive is asked (`Java.enumerateClassLoaders`): on Android that includes the
//     app's PathClassLoader, which the bridge waits for before running `init`'s hooks;
//   - later, the constructor of the class every loader of app code derives from is hooked: dalvik.system.
//     BaseDexClassLoader on ART (PathClassLoader, DexClassLoader, InMemoryDexClassLoader: packers, plugins, SDKs that
//     download code), java.net.URLClassLoader on HotSpot (the sandbox's app loader, plugin loaders). When the
//     constructor returns, the new loader is asked for each watched class;
//   - a loader that gains code after it was made is asked again: after URLClassLoader.addURL on HotSpot, after
//     BaseDexClassLoader.addDexPath on ART (how packers and hot-fix SDKs add dex files to the app's loader);
//   - and the lookup path itself is watched: when ClassLoader.loadClass(String, boolean) (every loader's lookup
//     unless it replaces it, so loaders derived from neither watched class too) or, on ART, BaseDexClassLoader.
//     findClass returns a watched class that is not hooked yet, it is hooked before the caller gets it. The hook
//     costs one lookup of the name in a map for every other class.
// "Asked" is Class.forName(name, false, loader): it loads the class (through the loader's parents first) without
// running its static initializer, so nothing of the class has run when its hooks go in. A class found is linked
// first (HotSpot's JVMTI, which the bridge reads a class's methods through, answers only for linked classes), then
// hooked through a class factory of the loader that defined it. A class stays watched after it is found: another
// loader may bring its own copy, which is hooked too.
import Java from "frida-java-bridge";

import type { Outbox } from "./events.js";
import { type CompiledEntry, errorText, failedHook, groupBy, type HookInstaller } from "./installer.js";
import type { Coverage, CoverageMessage, PendingHook } from "./protocol.js";

interface LoaderWatch {
    /** The class every loader of app code derives from: its constructors. */
    base: string;
    /** Methods of `base` that add code to a loader that exists: the loader is asked again after them. */
    growers: string[];
    /** Lookups, as `class.method`, whose result is checked (the generic ClassLoader one is watched everywhere). */
    lookups: [string, string, string[]][];
}

const CLASS_LOADER_LOOKUP: [string, string, string[]] = ["java.lang.ClassLoader", "loadClass", ["java.lang.String", "boolean"]];

const LOADER_WATCH: Record<string, LoaderWatch> = {
    jvm: { base: "java.net.URLClassLoader", growers: ["addURL"], lookups: [CLASS_LOADER_LOOKUP] },
    art: {
        base: "dalvik.system.BaseDexClassLoader", growers: ["addDexPath"],
        lookups: [CLASS_LOADER_LOOKUP, ["dalvik.system.BaseDexClassLoader", "findClass", ["java.lang.String"]]],
    },
};

interface BridgeEnv {
    isSameObject(a: NativePointer, b: NativePointer): boolean;
}

function notFound(error: unknown): boolean {
    const text = errorText(error);
    return text.includes("ClassNotFoundException") || text.includes("NoClassDefFoundError");
}

export class BundledClasses {
    private readonly watched: Map<string, CompiledEntry[]>;
    /** Entries installed in at least one loader: no longer pending. */
    private readonly installed = new Set<string>();
    /** Every class (one per defining loader) already hooked. */
    private readonly hooked: Java.Wrapper[] = [];
    private classClass: Java.Wrapper | null = null;
    /** Watched classes a lookup returned while the agent was at work, to hook once it is done. */
    private readonly deferred: [Java.Wrapper, string][] = [];

    constructor(private readonly installer: HookInstaller, private readonly outbox: Outbox, entries: CompiledEntry[]) {
        this.watched = groupBy(entries, entry => entry.spec.cls);
    }

    get pendingCount(): number {
        return this.pendingHooks().length;
    }

    /** At init: ask every loader there is, start watching for new ones, and report what is still pending. */
    start(coverage: Coverage): void {
        if (this.watched.size === 0) {
            return;
        }
        this.classClass = Java.use("java.lang.Class");
        let loaders: Java.Wrapper[] = [];
        try {
            loaders = Java.enumerateClassLoadersSync();
        } catch (error) {
            this.outbox.log("warning", `class loaders alive at start-up could not be listed: ${errorText(error)}`);
        }
        for (const loader of loaders) {
            this.probe(loader, coverage);
        }
        const flavor = (Java as unknown as { api?: { flavor?: string } }).api?.flavor ?? "";
        const watch = LOADER_WATCH[flavor];
        if (watch === undefined) {
            this.outbox.log("warning", `no class loader watch for a ${flavor || "unknown"} VM: app-bundled classes `
                + "are hooked only if present at start-up");
        } else {
            this.watch(watch);
        }
        coverage.pending.push(...this.pendingHooks());
    }

    private watch(watch: LoaderWatch): void {
        const watcher = this;
        try {
            const base = Java.use(watch.base);
            const constructors: Java.Method[] = base.$init.overloads;
            for (const constructor of constructors) {
                constructor.implementation = function (this: Java.Wrapper, ...args: unknown[]): unknown {
                    const result = constructor.apply(this, args);
                    watcher.loaderChanged(this);
                    return result;
                };
            }
            for (const name of watch.growers) {
                const dispatcher = base[name] as Java.MethodDispatcher | undefined;
                for (const grower of dispatcher?.overloads ?? []) {
                    grower.implementation = function (this: Java.Wrapper, ...args: unknown[]): unknown {
                        const result = grower.apply(this, args);
                        watcher.loaderChanged(this);
                        return result;
                    };
                }
            }
        } catch (error) {
            this.outbox.log("error", `class loaders cannot be watched (${watch.base}): ${errorText(error)}; `
                + "app-bundled classes are hooked only when a lookup returns them");
        }
        for (const [cls, method, parameterTypes] of watch.lookups) {
            try {
                const lookup: Java.Method = Java.use(cls)[method].overload(...parameterTypes);
                lookup.implementation = function (this: Java.Wrapper, ...args: unknown[]): unknown {
                    const found = lookup.apply(this, args) as Java.Wrapper | null;
                    const name = args[0];
                    if (found !== null && typeof name === "string" && watcher.watched.has(name)) {
                        watcher.classFound(found, name);
                    }
                    return found;
                };
            } catch (error) {
                this.outbox.log("warning", `class lookups cannot be watched (${cls}.${method}): ${errorText(error)}`);
            }
        }
    }

    /** A loader was made or gained code: ask it for every watched class. */
    private loaderChanged(loader: Java.Wrapper): void {
        this.asAgent(coverage => {
            this.probe(loader, coverage);
            return this.describe(loader);
        });
    }

    /** A lookup returned a watched class: hook it unless it already is (the usual case: found when its loader was). */
    private classFound(klass: Java.Wrapper, name: string): void {
        const state = this.installer.threads.get(Process.getCurrentThreadId());
        if (state !== undefined && state.agentDepth > 0) {
            // Loaded by the agent's own work (linking a class loads the classes its methods name): the VM will not
            // look it up again, so it is hooked as soon as that work is done.
            if (!this.isHooked(klass)) {
                this.deferred.push([Java.retain(klass), name]);
            }
            return;
        }
        if (this.isHooked(klass)) {
            return;
        }
        this.asAgent(coverage => {
            this.hookFound(klass, name, this.watched.get(name) ?? [], coverage);
            const definer = klass.getClassLoader() as Java.Wrapper | null;
            return definer === null ? "the boot loader" : this.describe(definer);
        });
    }

    /**
     * Run `search` (which names the loader it searched) as the agent's own Java work, and report what it hooked as a
     * class-loader coverage record.
     */
    private asAgent(search: (coverage: Coverage) => string): void {
        const threadId = Process.getCurrentThreadId();
        const state = this.installer.threads.get(threadId) ?? { active: new Set<string>(), agentDepth: 0 };
        this.installer.threads.set(threadId, state);
        state.agentDepth++;
        try {
            const coverage: Coverage = { installed: [], failed: [], pending: [], absent: [] };
            const loader = search(coverage);
            for (let next = this.deferred.shift(); next !== undefined; next = this.deferred.shift()) {
                if (!this.isHooked(next[0])) {
                    this.hookFound(next[0], next[1], this.watched.get(next[1]) ?? [], coverage);
                }
            }
            if (coverage.installed.length === 0 && coverage.failed.length === 0) {
                return;
            }
            const message: CoverageMessage = {
                type: "hooks:coverage",
                trigger: "class-loader",
                loader,
                ts: Date.now(),
                installed: coverage.installed,
                failed: coverage.failed,
                pending: this.pendingHooks(),
                absent: [],
            };
            send(message);
        } catch (error) {
            this.outbox.problem("loader", `app-bundled classes could not be looked for in a class loader: `
                + errorText(error));
        } finally {
            state.agentDepth--;
            if (state.agentDepth === 0 && state.active.size === 0) {
                this.installer.threads.delete(threadId);
            }
        }
    }

    /** Look for every watched class in `loader`; hook each one found that is not hooked yet. */
    private probe(loader: Java.Wrapper, coverage: Coverage): void {
        for (const [name, entries] of this.watched) {
            let klass: Java.Wrapper;
            try {
                klass = (this.classClass as Java.Wrapper).forName(name, false, loader);
            } catch (error) {
                if (!notFound(error)) {
                    this.outbox.problem(`probe:${name}`, `${name} could not be loaded from ${this.describe(loader)}: `
                        + errorText(error));
                }
                continue;
            }
            if (!this.isHooked(klass)) {
                this.hookFound(klass, name, entries, coverage);
            }
        }
    }

    /** Hook `entries` in `klass`, a watched class one loader defined. */
    private hookFound(klass: Java.Wrapper, name: string, entries: CompiledEntry[], coverage: Coverage): void {
        let definingLoader: Java.Wrapper | null = null;
        try {
            klass.getDeclaredMethods();
            definingLoader = klass.getClassLoader();
            const factory = Java.ClassFactory.get(definingLoader === null ? null : Java.retain(definingLoader));
            const before = coverage.installed.length;
            this.installer.installClass(factory.use(name), entries, coverage);
            for (const hook of coverage.installed.slice(before)) {
                this.installed.add(hook.entry);
            }
            this.hooked.push(Java.retain(klass));
        } catch (error) {
            const where = definingLoader === null ? "the boot loader" : this.describe(definingLoader);
            for (const entry of entries) {
                coverage.failed.push(failedHook(entry, `found in ${where} but not hooked: ${errorText(error)}`));
            }
        }
    }

    private isHooked(klass: Java.Wrapper): boolean {
        const env = Java.vm.getEnv() as unknown as BridgeEnv;
        return this.hooked.some(known => env.isSameObject(known.$h, klass.$h));
    }

    private pendingHooks(): PendingHook[] {
        const pending: PendingHook[] = [];
        for (const entries of this.watched.values()) {
            for (const entry of entries) {
                if (!this.installed.has(entry.spec.id)) {
                    pending.push({ entry: entry.spec.id, cls: entry.spec.cls, method: entry.spec.method });
                }
            }
        }
        return pending;
    }

    private describe(loader: Java.Wrapper): string {
        try {
            const hash: number = Java.use("java.lang.System").identityHashCode(loader);
            return `${loader.$className}@${(hash >>> 0).toString(16)}`;
        } catch {
            return loader.$className;
        }
    }
}
