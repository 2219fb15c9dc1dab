// App-bundled classes (`bundled: true`: androidx, SDKs): they are not in the platform, so they are hooked where they
// are, in the class loader that has them, as soon as that loader exists and before any of their code runs.
//
// When a class loader appears:
//   - at `init`, every class loader alive is asked (`Java.enumerateClassLoaders`): on Android that includes the
//     app's PathClassLoader, which the bridge waits for before running `init`'s hooks;
//   - later, the constructor of the class every loader of app code derives from is hooked: dalvik.system.
//     BaseDexClassLoader on ART (PathClassLoader, DexClassLoader, InMemoryDexClassLoader: packers, plugins, SDKs that
//     download code), java.net.URLClassLoader on HotSpot (the sandbox's app loader, plugin loaders). When the
//     constructor returns, the new loader is asked for each watched class.
// "Asked" is Class.forName(name, false, loader): it loads the class (through the loader's parents first) without
// running its static initializer, so nothing of the class has run when its hooks go in. A class found is linked
// first (HotSpot's JVMTI, which the bridge reads a class's methods through, answers only for linked classes), then
// hooked through a class factory of the loader that defined it. A class stays watched after it is found: another
// loader may bring its own copy, which is hooked too.
import Java from "frida-java-bridge";

import type { Outbox } from "./events.js";
import { type CompiledEntry, errorText, failedHook, groupBy, type HookInstaller } from "./installer.js";
import type { Coverage, CoverageMessage, PendingHook } from "./protocol.js";

const LOADER_CLASS: Record<string, string> = {
    jvm: "java.net.URLClassLoader",
    art: "dalvik.system.BaseDexClassLoader",
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
        const loaderClass = LOADER_CLASS[flavor];
        if (loaderClass === undefined) {
            this.outbox.log("warning", `no class loader watch for a ${flavor || "unknown"} VM: app-bundled classes `
                + "are hooked only if present at start-up");
        } else {
            try {
                this.watch(loaderClass);
            } catch (error) {
                this.outbox.log("error", `class loaders cannot be watched (${loaderClass}): ${errorText(error)}; `
                    + "app-bundled classes are hooked only if present at start-up");
            }
        }
        coverage.pending.push(...this.pendingHooks());
    }

    private watch(loaderClass: string): void {
        const watcher = this;
        const constructors: Java.Method[] = Java.use(loaderClass).$init.overloads;
        for (const constructor of constructors) {
            constructor.implementation = function (this: Java.Wrapper, ...args: unknown[]): unknown {
                const result = constructor.apply(this, args);
                watcher.loaderAppeared(this);
                return result;
            };
        }
    }

    private loaderAppeared(loader: Java.Wrapper): void {
        const threadId = Process.getCurrentThreadId();
        const state = this.installer.threads.get(threadId) ?? { active: new Set<string>(), agentDepth: 0 };
        this.installer.threads.set(threadId, state);
        state.agentDepth++;
        try {
            const coverage: Coverage = { installed: [], failed: [], pending: [], absent: [] };
            this.probe(loader, coverage);
            if (coverage.installed.length === 0 && coverage.failed.length === 0) {
                return;
            }
            const message: CoverageMessage = {
                type: "hooks:coverage",
                trigger: "class-loader",
                loader: this.describe(loader),
                ts: Date.now(),
                installed: coverage.installed,
                failed: coverage.failed,
                pending: this.pendingHooks(),
                absent: [],
            };
            send(message);
        } catch (error) {
            this.outbox.problem("loader", `a new class loader could not be searched for app-bundled classes: `
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
            if (this.isHooked(klass)) {
                continue;
            }
            try {
                klass.getDeclaredMethods();
                const definingLoader: Java.Wrapper | null = klass.getClassLoader();
                const factory = Java.ClassFactory.get(definingLoader === null ? null : Java.retain(definingLoader));
                const before = coverage.installed.length;
                this.installer.installClass(factory.use(name), entries, coverage);
                for (const hook of coverage.installed.slice(before)) {
                    this.installed.add(hook.entry);
                }
                this.hooked.push(Java.retain(klass));
            } catch (error) {
                for (const entry of entries) {
                    coverage.failed.push(failedHook(entry, `found in ${this.describe(loader)} but not hooked: `
                        + errorText(error)));
                }
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
