// The native layer: C library calls (file opens of identifier sources, system properties, DNS, sockets) hooked
// with Frida's Interceptor, as the catalog's native entries describe them.
//
// The listeners are C (a CModule): they run on every call of `open()` and the rest, including calls the VM
// makes from inside itself, while it holds its own locks. A JavaScript listener there would take the script
// lock on every file open; should another thread hold that lock and wait for a safepoint, the VM could never
// reach it. So the C side decides: it reads the argument the entries match on, tests it, and calls into
// JavaScript only for a call that an entry records. One hook per distinct address (glibc exports `open` and
// `open64` at one); a thread-local depth makes a call made inside another hooked call (bionic's getaddrinfo ->
// android_getaddrinfofornet) part of the outer one.
import { Evidence, Outbox, type PendingEvent } from "./events.js";
import { errorText, type ThreadState } from "./installer.js";
import type { JavaProbe, ThreadInfo } from "./probe.js";
import type {
    AgentOptions, AgentValue, Coverage, FailedHook, MatchSpec, NativeArg, NativeEntry, NativeFunctionSpec,
} from "./protocol.js";
import { jniCalls } from "./jni.js";
import { cleanFrames } from "./stacks.js";

const SOURCE = `
#include <gum/guminterceptor.h>
#include <gum/gumtls.h>
#include <json-glib/json-glib.h>
#include <string.h>

enum { ARG_SKIP, ARG_INT, ARG_POINTER, ARG_CSTRING, ARG_OUT_CSTRING, ARG_SOCKADDR };
enum { MATCH_ALL, MATCH_EQUALS, MATCH_PREFIX, MATCH_GLOB };

#define MAX_ARGS 8
#define TEXT_CAPACITY 512

typedef struct
{
  gint entry;
  gint kind;
  gint param;
  gint param_kind;
  gint count;
  const gchar * const * patterns;
} Filter;

typedef struct
{
  gint target;
  gint arg_count;
  gint filter_count;
  Filter * filters;
} Target;

typedef struct
{
  GumTlsKey depth;
} NativeState;

typedef struct
{
  gint record;
} Invocation;

extern NativeState native_state;
extern gint on_match (gint target, gint entry, gpointer * args, gpointer return_address, const gchar * text);
extern void on_return (gint record, gpointer value);

void
init (void)
{
  native_state.depth = gum_tls_key_new ();
}

void
finalize (void)
{
  gum_tls_key_free (native_state.depth);
}

Target *
target_new (gint target, gint arg_count, gint filter_count)
{
  Target * result = g_new0 (Target, 1);

  result->target = target;
  result->arg_count = MIN (arg_count, MAX_ARGS);
  result->filter_count = filter_count;
  result->filters = g_new0 (Filter, filter_count);
  return result;
}

void
target_set_filter (Target * target, gint index, gint entry, gint kind, gint param, gint param_kind, gint count,
    const gchar * const * patterns)
{
  Filter * filter = &target->filters[index];

  filter->entry = entry;
  filter->kind = kind;
  filter->param = param;
  filter->param_kind = param_kind;
  filter->count = count;
  filter->patterns = patterns;
}

static gchar *
append (gchar * out, const gchar * end, const gchar * text)
{
  while (*text != '\\0' && out < end)
    *out++ = *text++;
  return out;
}

static gchar *
append_number (gchar * out, const gchar * end, guint64 value, guint base)
{
  gchar digits[24];
  gint count = 0;

  do
  {
    digits[count++] = "0123456789abcdef"[value % base];
    value /= base;
  }
  while (value != 0);
  while (count > 0 && out < end)
    *out++ = digits[--count];
  return out;
}

/* A socket address as text: 93.184.216.34:443, [2001:db8:0:0:0:0:0:1]:443, unix:/path, unix:@abstract. */
gint
format_sockaddr (const guint8 * address, gchar * out, gint capacity)
{
  gchar * cursor = out;
  const gchar * end = out + capacity - 1;
  guint16 family;
  gint i;

  if (address == NULL)
    return -1;
  family = *(const guint16 *) address;
  if (family == 2)
  {
    for (i = 0; i != 4; i++)
    {
      cursor = append_number (cursor, end, address[4 + i], 10);
      cursor = append (cursor, end, i == 3 ? ":" : ".");
    }
    cursor = append_number (cursor, end, (address[2] << 8) | address[3], 10);
  }
  else if (family == 10)
  {
    cursor = append (cursor, end, "[");
    for (i = 0; i != 8; i++)
    {
      cursor = append_number (cursor, end, (address[8 + 2 * i] << 8) | address[9 + 2 * i], 16);
      cursor = append (cursor, end, i == 7 ? "]:" : ":");
    }
    cursor = append_number (cursor, end, (address[2] << 8) | address[3], 10);
  }
  else if (family == 1)
  {
    const gchar * path = (const gchar *) address + 2;
    cursor = append (cursor, end, "unix:");
    if (path[0] == '\\0')
    {
      cursor = append (cursor, end, "@");
      path++;
    }
    for (i = 0; i != 107 && path[i] != '\\0' && cursor < end; i++)
      *cursor++ = path[i];
  }
  else
  {
    cursor = append (cursor, end, "family ");
    cursor = append_number (cursor, end, family, 10);
  }
  *cursor = '\\0';
  return cursor - out;
}

static gboolean
glob_match (const gchar * pattern, const gchar * text)
{
  const gchar * star = NULL;
  const gchar * resume = NULL;

  while (*text != '\\0')
  {
    if (*pattern == '*')
    {
      star = pattern++;
      resume = text;
    }
    else if (*pattern != '\\0' && (*pattern == '?' || *pattern == *text))
    {
      pattern++;
      text++;
    }
    else if (star != NULL)
    {
      pattern = star + 1;
      text = ++resume;
    }
    else
    {
      return FALSE;
    }
  }
  while (*pattern == '*')
    pattern++;
  return *pattern == '\\0';
}

static const gchar *
value_text (GumInvocationContext * ic, gint param, gint kind, gchar * buffer)
{
  gpointer value = gum_invocation_context_get_nth_argument (ic, param);
  gchar * end;

  switch (kind)
  {
    case ARG_CSTRING:
      return value;
    case ARG_INT:
    {
      gint number = GPOINTER_TO_INT (value);
      gchar * cursor = buffer;
      if (number < 0)
        *cursor++ = '-';
      end = append_number (cursor, buffer + TEXT_CAPACITY - 1, number < 0 ? -(gint64) number : number, 10);
      *end = '\\0';
      return buffer;
    }
    case ARG_POINTER:
      end = append_number (append (buffer, buffer + TEXT_CAPACITY - 1, "0x"), buffer + TEXT_CAPACITY - 1,
          GPOINTER_TO_SIZE (value), 16);
      *end = '\\0';
      return buffer;
    case ARG_SOCKADDR:
      return format_sockaddr (value, buffer, TEXT_CAPACITY) < 0 ? NULL : buffer;
    default:
      return NULL;
  }
}

static gboolean
accepts (const Filter * filter, const gchar * text)
{
  gint i;

  if (filter->kind == MATCH_ALL)
    return TRUE;
  if (text == NULL)
    return FALSE;
  for (i = 0; i != filter->count; i++)
  {
    const gchar * pattern = filter->patterns[i];
    if ((filter->kind == MATCH_EQUALS && strcmp (pattern, text) == 0)
        || (filter->kind == MATCH_PREFIX && strncmp (pattern, text, strlen (pattern)) == 0)
        || (filter->kind == MATCH_GLOB && glob_match (pattern, text)))
      return TRUE;
  }
  return FALSE;
}

void
on_enter (GumInvocationContext * ic)
{
  Target * target = GUM_IC_GET_FUNC_DATA (ic, Target *);
  Invocation * invocation = GUM_IC_GET_INVOCATION_DATA (ic, Invocation);
  gsize depth = GPOINTER_TO_SIZE (gum_tls_key_get_value (native_state.depth));
  gchar buffer[TEXT_CAPACITY];
  gpointer args[MAX_ARGS];
  gint i;

  invocation->record = -1;
  gum_tls_key_set_value (native_state.depth, GSIZE_TO_POINTER (depth + 1));
  if (depth != 0)
    return;
  for (i = 0; i != target->filter_count; i++)
  {
    const Filter * filter = &target->filters[i];
    const gchar * text = (filter->kind == MATCH_ALL) ? NULL : value_text (ic, filter->param, filter->param_kind, buffer);
    gint j;

    if (!accepts (filter, text))
      continue;
    for (j = 0; j != target->arg_count; j++)
      args[j] = gum_invocation_context_get_nth_argument (ic, j);
    invocation->record = on_match (target->target, filter->entry, args,
        gum_invocation_context_get_return_address (ic), text);
    return;
  }
}

void
on_leave (GumInvocationContext * ic)
{
  Invocation * invocation = GUM_IC_GET_INVOCATION_DATA (ic, Invocation);
  gsize depth = GPOINTER_TO_SIZE (gum_tls_key_get_value (native_state.depth));

  gum_tls_key_set_value (native_state.depth, GSIZE_TO_POINTER (depth - 1));
  if (invocation->record >= 0)
    on_return (invocation->record, gum_invocation_context_get_return_value (ic));
}
`;

const ARG_CODES: Record<NativeArg, number> = {
    "skip": 0, "int": 1, "pointer": 2, "cstring": 3, "out-cstring": 4, "sockaddr": 5,
};
const MATCH_ALL = 0;
const MATCH_CODES = { equals: 1, prefix: 2, glob: 3 } as const;
const C_TYPES: Record<NativeArg, string> = {
    "skip": "_", "int": "int", "pointer": "void*", "cstring": "const char*", "out-cstring": "char*",
    "sockaddr": "const struct sockaddr*",
};
const SOCKADDR_CAPACITY = 512;
/** Native frames kept in front of the Java ones. */
const NATIVE_FRAMES = 16;

interface NativeTarget {
    index: number;
    address: NativePointer;
    symbol: string;
    module: string;
    spec: NativeFunctionSpec;
    sig: string;
    entries: number[];
}

interface PendingCall {
    entry: NativeEntry;
    target: NativeTarget;
    args: AgentValue[];
    outputs: { position: number; pointer: NativePointer }[];
    thread: ThreadInfo;
    stack: string | null;
}

/** The C parameter index holding recorded argument `arg` of `spec` (recorded = not skipped). */
function parameterOf(spec: NativeFunctionSpec, arg: number): number {
    let seen = -1;
    for (const [index, kind] of spec.args.entries()) {
        if (kind !== "skip" && ++seen === arg) {
            return index;
        }
    }
    return -1;
}

function matchKind(match: MatchSpec): [number, string[]] {
    if (match.equals !== undefined) {
        return [MATCH_CODES.equals, match.equals];
    }
    if (match.prefix !== undefined) {
        return [MATCH_CODES.prefix, match.prefix];
    }
    return [MATCH_CODES.glob, match.glob ?? []];
}

/**
 * Where a function runs: the module named, or else every loaded library that exports the symbol, one address each.
 * Not only the global lookup: a library loaded with RTLD_LOCAL (Python's ssl extension's libssl, an SDK's own copy of
 * BoringSSL) is not visible to it, and calls into it are calls all the same.
 */
function exportAddresses(spec: NativeFunctionSpec, modules: Module[]): NativePointer[] {
    if (spec.module !== null) {
        const address = Process.findModuleByName(spec.module)?.findExportByName(spec.symbol) ?? null;
        return address === null ? [] : [address];
    }
    const found = new Map<string, NativePointer>();
    const global = Module.findGlobalExportByName(spec.symbol);
    if (global !== null) {
        found.set(global.toString(), global);
    }
    for (const module of modules) {
        const address = module.findExportByName(spec.symbol);
        if (address !== null) {
            found.set(address.toString(), address);
        }
    }
    return [...found.values()];
}

/** A native frame as `module!symbol+0xoffset` (or `module+0xoffset`): stable across processes, unlike addresses. */
function nativeFrame(address: NativePointer): string {
    const symbol = DebugSymbol.fromAddress(address);
    const module = Process.findModuleByAddress(address);
    if (symbol.name !== null && symbol.moduleName !== null) {
        const start = DebugSymbol.fromName(symbol.name).address;
        const offset = !start.isNull() && address.compare(start) >= 0 ? address.sub(start) : null;
        return offset !== null ? `${symbol.moduleName}!${symbol.name}+0x${offset.toString(16)}`
            : `${symbol.moduleName}!${symbol.name}`;
    }
    if (module !== null) {
        return `${module.name}+0x${address.sub(module.base).toString(16)}`;
    }
    return address.toString();
}

export class NativeHooks {
    private readonly state = Memory.alloc(Process.pointerSize * 2);
    private readonly module: CModule;
    private readonly targetNew: NativeFunction<NativePointer, [number, number, number]>;
    private readonly setFilter: NativeFunction<void, [NativePointerValue, number, number, number, number, number,
        number, NativePointerValue]>;
    private readonly formatSockaddr: NativeFunction<number, [NativePointerValue, NativePointerValue, number]>;
    private readonly sockaddrOut = Memory.alloc(SOCKADDR_CAPACITY);
    private readonly onMatch: NativeCallback<"int", ["int", "int", "pointer", "pointer", "pointer"]>;
    private readonly onReturn: NativeCallback<"void", ["int", "pointer"]>;
    /** Memory the C side points into (patterns, targets): alive as long as this object. */
    private readonly kept: NativePointer[] = [];
    private readonly targets: NativeTarget[] = [];
    private entries: NativeEntry[] = [];
    private readonly pending = new Map<number, PendingCall>();
    private nextRecord = 0;
    private readonly osThreadNames = new Map<number, string>();
    private readonly getThreadName: ((id: number) => string) | null;

    private probe: JavaProbe | null = null;
    private javaThreads: ReadonlyMap<number, ThreadState> = new Map();
    private hookedMethods: ReadonlySet<string> = new Set();

    constructor(private readonly outbox: Outbox, private readonly evidence: Evidence,
                private readonly options: AgentOptions) {
        this.onMatch = new NativeCallback((target, entry, args, returnAddress, text) =>
            this.matched(target, entry, args, returnAddress, text), "int", ["int", "int", "pointer", "pointer", "pointer"]);
        this.onReturn = new NativeCallback((record, value) => this.returned(record, value), "void", ["int", "pointer"]);
        this.module = new CModule(SOURCE, { native_state: this.state, on_match: this.onMatch, on_return: this.onReturn });
        const symbol = (name: string): NativePointer => {
            const address = this.module[name];
            if (address === undefined) {
                throw new Error(`native layer: ${name} missing from the CModule`);
            }
            return address;
        };
        this.targetNew = new NativeFunction(symbol("target_new"), "pointer", ["int", "int", "int"]);
        this.setFilter = new NativeFunction(symbol("target_set_filter"), "void",
            ["pointer", "int", "int", "int", "int", "int", "int", "pointer"]);
        this.formatSockaddr = new NativeFunction(symbol("format_sockaddr"), "int", ["pointer", "pointer", "int"],
            { scheduling: "exclusive" });
        this.getThreadName = NativeHooks.threadNameReader();
    }

    /** From now on, calls on Java threads are told apart by Java thread and carry the Java stack too. */
    useJava(probe: JavaProbe, javaThreads: ReadonlyMap<number, ThreadState>, hookedMethods: ReadonlySet<string>): void {
        this.probe = probe;
        this.javaThreads = javaThreads;
        this.hookedMethods = hookedMethods;
    }

    /** Hook every distinct address the entries' functions resolve to. */
    install(entries: NativeEntry[], coverage: Coverage): void {
        this.entries = entries;
        const byAddress = new Map<string, NativeTarget>();
        const hookedSymbols = new Map<number, string[]>();
        const modules = Process.enumerateModules();
        for (const [entryIndex, entry] of entries.entries()) {
            const missing: string[] = [];
            for (const spec of entry.functions) {
                const addresses = exportAddresses(spec, modules);
                if (addresses.length === 0) {
                    missing.push(spec.module === null ? spec.symbol : `${spec.symbol} (${spec.module})`);
                    continue;
                }
                for (const address of addresses) {
                    const key = address.toString();
                    let target = byAddress.get(key);
                    if (target === undefined) {
                        target = {
                            index: this.targets.length, address, symbol: spec.symbol,
                            module: Process.findModuleByAddress(address)?.name ?? "?", spec,
                            sig: "(" + spec.args.map(kind => C_TYPES[kind]).join(",") + ")", entries: [],
                        };
                        byAddress.set(key, target);
                        this.targets.push(target);
                    }
                    if (!target.entries.includes(entryIndex)) {
                        target.entries.push(entryIndex);
                    }
                    const names = hookedSymbols.get(entryIndex) ?? [];
                    names.push(`${spec.symbol}@${target.module}`);
                    hookedSymbols.set(entryIndex, names);
                }
            }
            if (!hookedSymbols.has(entryIndex)) {
                coverage.absent.push(this.failure(entry, `no library of this process exports ${missing.join(", ")}`));
            }
        }
        const failedEntries = new Set<number>();
        for (const target of this.targets) {
            try {
                this.attach(target);
            } catch (error) {
                for (const entryIndex of target.entries) {
                    failedEntries.add(entryIndex);
                    coverage.failed.push(this.failure(entries[entryIndex] as NativeEntry,
                        `${target.symbol} at ${target.address} not hooked: ${errorText(error)}`, target.sig));
                }
            }
        }
        for (const [entryIndex, sigs] of hookedSymbols) {
            const entry = entries[entryIndex] as NativeEntry;
            if (!failedEntries.has(entryIndex)) {
                coverage.installed.push({ entry: entry.id, cls: entry.cls, method: entry.functions[0]?.symbol ?? "?", sigs });
            }
        }
    }

    private attach(target: NativeTarget): void {
        const data = this.targetNew(target.index, target.spec.args.length, target.entries.length);
        this.kept.push(data);
        for (const [slot, entryIndex] of target.entries.entries()) {
            const entry = this.entries[entryIndex] as NativeEntry;
            let kind = MATCH_ALL;
            let param = 0;
            let paramKind = 0;
            let patterns: string[] = [];
            if (entry.match !== null) {
                [kind, patterns] = matchKind(entry.match);
                param = parameterOf(target.spec, entry.match.arg);
                paramKind = ARG_CODES[target.spec.args[param] ?? "skip"];
                if (param < 0 || paramKind === ARG_CODES["out-cstring"] || paramKind === ARG_CODES.skip) {
                    throw new Error(`${entry.id}: match.arg ${entry.match.arg} is not an argument known on entry`);
                }
            }
            const strings = patterns.map(pattern => Memory.allocUtf8String(pattern));
            const array = Memory.alloc(Math.max(1, strings.length) * Process.pointerSize);
            strings.forEach((text, index) => array.add(index * Process.pointerSize).writePointer(text));
            this.kept.push(array, ...strings);
            this.setFilter(data, slot, entryIndex, kind, param, paramKind, strings.length, array);
        }
        Interceptor.attach(target.address, {
            onEnter: this.module.on_enter as NativePointer,
            onLeave: this.module.on_leave as NativePointer,
        }, data);
    }

    /** Called from C for a call an entry records: describe what is known now, and keep it until the call returns. */
    private matched(targetIndex: number, entryIndex: number, args: NativePointer, returnAddress: NativePointer,
                    text: NativePointer): number {
        const threadId = Process.getCurrentThreadId();
        if ((this.javaThreads.get(threadId)?.agentDepth ?? 0) > 0) {
            return -1; // the agent's own work on this thread (describing a value) is not the app's
        }
        const target = this.targets[targetIndex];
        const entry = this.entries[entryIndex];
        if (target === undefined || entry === undefined) {
            return -1;
        }
        try {
            const values: AgentValue[] = [];
            const outputs: { position: number; pointer: NativePointer }[] = [];
            for (const [index, kind] of target.spec.args.entries()) {
                if (kind === "skip") {
                    continue;
                }
                const value = args.add(index * Process.pointerSize).readPointer();
                if (kind === "out-cstring") {
                    outputs.push({ position: values.length, pointer: value });
                    values.push({ t: "char*", v: null });
                } else {
                    values.push(this.describeArgument(kind, value, index === parameterOf(target.spec,
                        entry.match?.arg ?? -1) ? text : NULL));
                }
            }
            const java = this.probe?.currentThread() ?? null;
            const thread = java ?? { tid: threadId, tname: this.osThreadName(threadId) };
            let stack: string | null = null;
            try {
                const javaSite = java !== null && this.probe !== null ? this.probe.callSite(2 * this.options.stackDepth) : -1;
                stack = this.evidence.site(`n${entryIndex}|${returnAddress}|${javaSite}`,
                    () => this.walk(returnAddress, java !== null)).stack;
            } catch (error) {
                this.outbox.problem(`stack:${entry.id}`, `${entry.id}: stack not captured: ${errorText(error)}`);
            }
            const record = this.nextRecord++;
            this.pending.set(record, { entry, target, args: values, outputs, thread, stack });
            return record;
        } catch (error) {
            // Recorded all the same, with what is known: a matched call is never dropped.
            this.outbox.problem(`native:${entry.id}`, `${entry.id}: call not fully described: ${errorText(error)}`);
            const record = this.nextRecord++;
            this.pending.set(record, {
                entry, target, args: [], outputs: [], thread: { tid: threadId, tname: "?" }, stack: null,
            });
            return record;
        }
    }

    private returned(record: number, value: NativePointer): void {
        const call = this.pending.get(record);
        if (call === undefined) {
            return;
        }
        this.pending.delete(record);
        for (const output of call.outputs) {
            call.args[output.position] = this.cString("char*", output.pointer);
        }
        const event: PendingEvent = {
            entry: call.entry.id,
            cls: call.entry.cls,
            method: call.target.symbol,
            sig: call.target.sig,
            args: call.args,
            tid: call.thread.tid,
            tname: call.thread.tname,
        };
        if (call.target.spec.returns === "int") {
            event.ret = { t: "int", v: value.toInt32() };
        } else if (call.target.spec.returns === "pointer") {
            event.ret = value.isNull() ? { t: "null", v: null } : { t: "void*", v: value.toString() };
        }
        this.outbox.add(event, call.stack);
    }

    private describeArgument(kind: NativeArg, value: NativePointer, matchedText: NativePointer): AgentValue {
        switch (kind) {
            case "int":
                return { t: "int", v: value.toInt32() };
            case "pointer":
                return { t: "void*", v: value.toString() };
            case "cstring":
                return this.cString("const char*", matchedText.isNull() ? value : matchedText);
            case "sockaddr": {
                if (!matchedText.isNull()) {
                    return { t: "sockaddr", v: matchedText.readUtf8String() };
                }
                const length = value.isNull() ? -1 : this.formatSockaddr(value, this.sockaddrOut, SOCKADDR_CAPACITY);
                return length < 0 ? { t: "null", v: null } : { t: "sockaddr", v: this.sockaddrOut.readUtf8String(length) };
            }
            default:
                return { t: "?", v: null };
        }
    }

    private cString(type: string, pointer: NativePointer): AgentValue {
        if (pointer.isNull()) {
            return { t: "null", v: null };
        }
        const text = pointer.readUtf8String() ?? "";
        return text.length > this.options.maxChars
            ? { t: type, v: text.substring(0, this.options.maxChars), n: text.length }
            : { t: type, v: text };
    }

    /** Native frames from the hooked function's caller outwards, then the Java stack on a Java thread. */
    private walk(returnAddress: NativePointer, javaThread: boolean): string[] {
        // Walked from inside the listener: drop the frames up to the hooked call's own return address.
        const addresses = Thread.backtrace(undefined, Backtracer.ACCURATE);
        const start = addresses.findIndex(address => address.equals(returnAddress));
        const native = (start >= 0 ? addresses.slice(start) : [returnAddress]).slice(0, NATIVE_FRAMES).map(nativeFrame);
        if (!javaThread) {
            return native;
        }
        // The Java frames begin at the native method that led here (`FileInputStream.open0(Native Method)`).
        const java = cleanFrames(jniCalls.stackFrames(), "", "", this.hookedMethods, this.options.stackDepth);
        return [...native, ...java];
    }

    private osThreadName(id: number): string {
        let name = this.osThreadNames.get(id);
        if (name === undefined) {
            name = this.getThreadName?.(id) ?? "";
            this.osThreadNames.set(id, name);
        }
        return name;
    }

    private failure(entry: NativeEntry, error: string, sig?: string): FailedHook {
        const failed: FailedHook = { entry: entry.id, cls: entry.cls, method: entry.functions[0]?.symbol ?? "?", error };
        if (sig !== undefined) {
            failed.sig = sig;
        }
        return failed;
    }

    /** The kernel's name of the calling thread (`pthread_getname_np`), where the C library offers it. */
    private static threadNameReader(): ((id: number) => string) | null {
        const self = Module.findGlobalExportByName("pthread_self");
        const getName = Module.findGlobalExportByName("pthread_getname_np");
        if (self === null || getName === null) {
            return null;
        }
        const pthreadSelf = new NativeFunction(self, "pointer", []);
        const pthreadGetName = new NativeFunction(getName, "int", ["pointer", "pointer", "size_t"]);
        const buffer = Memory.alloc(64);
        return () => pthreadGetName(pthreadSelf(), buffer, 64) === 0 ? buffer.readUtf8String() ?? "" : "";
    }
}
