// The per-call work that must stay cheap, done in C (a CModule) with one native call each: which call site a call
// comes from, which Java thread makes it, and the text of a String or a class name. A JNI call made from JavaScript
// costs about a microsecond of marshalling; the same call from C costs tens of nanoseconds.
//
// Call sites: on HotSpot, JVMTI GetStackTrace gives the (method, bytecode index) of every frame without building
// a Throwable or any string; the CModule keeps a table of the distinct frame sequences it has seen and answers the
// sequence's number. On ART there is no JVMTI in an app; the bridge's own `Java.backtrace()` walks the stack
// natively and gives the same thing (a digest of the frames' methods and dex pcs) as its `id`.
import Java from "frida-java-bridge";

import type { CallSiteMethod } from "./protocol.js";

const SOURCE = `
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct { void * method; gint64 location; } FrameInfo;
typedef gint (* GetStackTraceFunc) (void * jvmti, void * thread, gint start, gint max, FrameInfo * frames, gint * count);
typedef gint (* GetEnvFunc) (void * vm, void ** env, gint version);

#define MAX_FRAMES 256
#define MAX_THREADS 4096
#define SLOT_CHANGED 0x40000000

typedef struct
{
  gint count;
  FrameInfo frames[MAX_FRAMES];
} SiteKey;

typedef struct
{
  void * thread;
  void * name;
} ThreadSlot;

/* Filled in by JavaScript (the first eight fields) and by init(): a CModule's own data is not writable. */
typedef struct
{
  void * vm;
  void * jvmti;
  GetStackTraceFunc get_stack_trace;
  void * thread_class;
  void * current_thread;
  void * get_id;
  void * get_name;
  void * class_get_name;
  GHashTable * sites;
  SiteKey * scratch;
  GHashTable * slots_by_env;
  ThreadSlot * slots;
  gint site_count;
  gint slot_count;
} Probe;

extern Probe probe;

#define JNI(env, index, type) ((type) ((*(void ***) (env))[index]))
#define JNI_EXCEPTION_CLEAR 17
#define JNI_NEW_GLOBAL_REF 21
#define JNI_DELETE_GLOBAL_REF 22
#define JNI_DELETE_LOCAL_REF 23
#define JNI_IS_SAME_OBJECT 24
#define JNI_GET_OBJECT_CLASS 31
#define JNI_CALL_OBJECT_METHOD_A 36
#define JNI_CALL_LONG_METHOD_A 54
#define JNI_CALL_STATIC_OBJECT_METHOD_A 116
#define JNI_GET_STRING_LENGTH 164
#define JNI_GET_STRING_REGION 220
#define JNI_NEW_WEAK_GLOBAL_REF 226
#define JNI_DELETE_WEAK_GLOBAL_REF 227
#define JNI_EXCEPTION_CHECK 228

typedef void * (* ObjectFunc) (void * env, void * object);
typedef void (* VoidObjectFunc) (void * env, void * object);
typedef guint8 (* SameFunc) (void * env, void * a, void * b);
typedef void * (* CallObjectFunc) (void * env, void * object, void * method, void * args);
typedef gint64 (* CallLongFunc) (void * env, void * object, void * method, void * args);
typedef gint (* LengthFunc) (void * env, void * string);
typedef void (* RegionFunc) (void * env, void * string, gint start, gint length, guint16 * out);
typedef guint8 (* CheckFunc) (void * env);
typedef void (* ClearFunc) (void * env);

static guint
site_hash (gconstpointer data)
{
  const SiteKey * key = data;
  guint64 hash = 1469598103934665603ULL;
  gint i;

  for (i = 0; i != key->count; i++)
  {
    hash = (hash ^ (guint64) key->frames[i].method) * 1099511628211ULL;
    hash = (hash ^ (guint64) key->frames[i].location) * 1099511628211ULL;
  }
  return (guint) (hash ^ (hash >> 32));
}

static gboolean
site_equal (gconstpointer a, gconstpointer b)
{
  const SiteKey * x = a;
  const SiteKey * y = b;

  gint i;

  if (x->count != y->count)
    return FALSE;
  for (i = 0; i != x->count; i++)
  {
    if (x->frames[i].method != y->frames[i].method || x->frames[i].location != y->frames[i].location)
      return FALSE;
  }
  return TRUE;
}

void
init (void)
{
  probe.sites = g_hash_table_new_full (site_hash, site_equal, g_free, NULL);
  probe.scratch = g_malloc0 (sizeof (SiteKey));
  probe.slots_by_env = g_hash_table_new_full (NULL, NULL, NULL, NULL);
  probe.slots = g_malloc0 (MAX_THREADS * sizeof (ThreadSlot));
}

void
finalize (void)
{
  g_hash_table_unref (probe.sites);
  g_free (probe.scratch);
  g_hash_table_unref (probe.slots_by_env);
  g_free (probe.slots);
}

/* The number of the current thread's call site (its top depth frames), -1 if JVMTI said no. */
gint
call_site (gint depth)
{
  SiteKey * scratch = probe.scratch;
  gpointer known;
  SiteKey * copy;

  if (depth > MAX_FRAMES)
    depth = MAX_FRAMES;
  scratch->count = 0;
  if (probe.get_stack_trace (probe.jvmti, NULL, 0, depth, scratch->frames, &scratch->count) != 0)
    return -1;
  known = g_hash_table_lookup (probe.sites, scratch);
  if (known != NULL)
    return GPOINTER_TO_INT (known) - 1;
  copy = g_memdup2 (scratch, G_STRUCT_OFFSET (SiteKey, frames) + scratch->count * sizeof (FrameInfo));
  g_hash_table_insert (probe.sites, copy, GINT_TO_POINTER (probe.site_count + 1));
  return probe.site_count++;
}

static void *
current_env (void)
{
  void * env = NULL;
  GetEnvFunc get_env = (*(GetEnvFunc **) probe.vm)[6];

  if (get_env (probe.vm, &env, 0x00010006) != 0)
    return NULL;
  return env;
}

static gint
copy_text (void * env, void * string, guint16 * out, gint capacity)
{
  gint length = JNI (env, JNI_GET_STRING_LENGTH, LengthFunc) (env, string);

  JNI (env, JNI_GET_STRING_REGION, RegionFunc) (env, string, 0, MIN (length, capacity), out);
  return length;
}

/*
 * The slot of the current Java thread: its index, with SLOT_CHANGED set when the thread is new to the slot or
 * was renamed, in which case *tid and name_out (UTF-16, *name_length units, cut to capacity) say who it is now.
 * -1 when the thread is not a Java thread, or an exception is pending (nothing may be called then).
 */
gint
thread_slot (gint64 * tid, guint16 * name_out, gint capacity, gint * name_length)
{
  void * env = current_env ();
  void * thread;
  void * name;
  gpointer found;
  ThreadSlot * slot;
  gint index;
  gboolean changed = FALSE;

  if (env == NULL || JNI (env, JNI_EXCEPTION_CHECK, CheckFunc) (env))
    return -1;
  thread = JNI (env, JNI_CALL_STATIC_OBJECT_METHOD_A, CallObjectFunc) (env, probe.thread_class,
      probe.current_thread, NULL);
  if (thread == NULL)
    return -1;
  name = JNI (env, JNI_CALL_OBJECT_METHOD_A, CallObjectFunc) (env, thread, probe.get_name, NULL);

  found = g_hash_table_lookup (probe.slots_by_env, env);
  if (found == NULL)
  {
    if (probe.slot_count == MAX_THREADS)
    {
      if (name != NULL)
        JNI (env, JNI_DELETE_LOCAL_REF, VoidObjectFunc) (env, name);
      JNI (env, JNI_DELETE_LOCAL_REF, VoidObjectFunc) (env, thread);
      return -1;
    }
    index = probe.slot_count++;
    g_hash_table_insert (probe.slots_by_env, env, GINT_TO_POINTER (index + 1));
    slot = &probe.slots[index];
    changed = TRUE;
  }
  else
  {
    index = GPOINTER_TO_INT (found) - 1;
    slot = &probe.slots[index];
    /* A JNIEnv belongs to one live thread, but a new thread may get the memory of a dead one's. */
    if (!JNI (env, JNI_IS_SAME_OBJECT, SameFunc) (env, thread, slot->thread)
        || !JNI (env, JNI_IS_SAME_OBJECT, SameFunc) (env, name, slot->name))
      changed = TRUE;
  }

  if (changed)
  {
    if (slot->thread != NULL)
      JNI (env, JNI_DELETE_WEAK_GLOBAL_REF, VoidObjectFunc) (env, slot->thread);
    if (slot->name != NULL)
      JNI (env, JNI_DELETE_GLOBAL_REF, VoidObjectFunc) (env, slot->name);
    slot->thread = JNI (env, JNI_NEW_WEAK_GLOBAL_REF, ObjectFunc) (env, thread);
    slot->name = (name != NULL) ? JNI (env, JNI_NEW_GLOBAL_REF, ObjectFunc) (env, name) : NULL;
    *tid = JNI (env, JNI_CALL_LONG_METHOD_A, CallLongFunc) (env, thread, probe.get_id, NULL);
    *name_length = (name != NULL) ? copy_text (env, name, name_out, capacity) : 0;
  }

  if (name != NULL)
    JNI (env, JNI_DELETE_LOCAL_REF, VoidObjectFunc) (env, name);
  JNI (env, JNI_DELETE_LOCAL_REF, VoidObjectFunc) (env, thread);
  return changed ? (index | SLOT_CHANGED) : index;
}

gint
same_object (void * a, void * b)
{
  void * env = current_env ();

  return env != NULL && JNI (env, JNI_IS_SAME_OBJECT, SameFunc) (env, a, b);
}

void *
global_ref (void * object)
{
  void * env = current_env ();

  return (env != NULL) ? JNI (env, JNI_NEW_GLOBAL_REF, ObjectFunc) (env, object) : NULL;
}

void
drop_global_ref (void * object)
{
  void * env = current_env ();

  if (env != NULL && object != NULL)
    JNI (env, JNI_DELETE_GLOBAL_REF, VoidObjectFunc) (env, object);
}

/* The UTF-16 text of a java.lang.String (cut to capacity); its full length. */
gint
string_text (void * string, guint16 * out, gint capacity)
{
  void * env = current_env ();

  if (env == NULL)
    return -1;
  return copy_text (env, string, out, capacity);
}

/* The binary name of an object's class (cut to capacity); its full length, -1 on failure. */
gint
class_name (void * object, guint16 * out, gint capacity)
{
  void * env = current_env ();
  void * klass;
  void * name;
  gint length = -1;

  if (env == NULL || JNI (env, JNI_EXCEPTION_CHECK, CheckFunc) (env))
    return -1;
  klass = JNI (env, JNI_GET_OBJECT_CLASS, ObjectFunc) (env, object);
  name = JNI (env, JNI_CALL_OBJECT_METHOD_A, CallObjectFunc) (env, klass, probe.class_get_name, NULL);
  if (JNI (env, JNI_EXCEPTION_CHECK, CheckFunc) (env))
    JNI (env, JNI_EXCEPTION_CLEAR, ClearFunc) (env);
  else if (name != NULL)
    length = copy_text (env, name, out, capacity);
  if (name != NULL)
    JNI (env, JNI_DELETE_LOCAL_REF, VoidObjectFunc) (env, name);
  JNI (env, JNI_DELETE_LOCAL_REF, VoidObjectFunc) (env, klass);
  return length;
}
`;

/** The fields of the C struct `Probe` that JavaScript fills in, in order; each is one pointer. */
const CONFIG_FIELDS = [
    "vm", "jvmti", "get_stack_trace", "thread_class", "current_thread", "get_id", "get_name", "class_get_name",
] as const;
const PROBE_STRUCT_SIZE = 256;
const SLOT_CHANGED = 0x40000000;
/** JVMTI function table slot of GetStackTrace (jvmti.h: "104 : Get Stack Trace", counted from 1). */
const JVMTI_GET_STACK_TRACE = 104;
/** UTF-16 units copied per text; longer texts are cut and their length reported. */
const TEXT_CAPACITY = 4096;

export interface ThreadInfo {
    tid: number;
    tname: string;
}

interface BridgeEnv {
    handle: NativePointer;
    findClass(name: string): NativePointer;
    newGlobalRef(handle: NativePointer): NativePointer;
    deleteLocalRef(handle: NativePointer): void;
    getMethodId(klass: NativePointer, name: string, signature: string): NativePointer;
    getStaticMethodId(klass: NativePointer, name: string, signature: string): NativePointer;
    throwIfExceptionPending(): void;
}

interface BridgeInternals {
    api?: { flavor?: string; jvmti?: { handle: NativePointer } | null };
    vm: { handle: NativePointer; getEnv(): BridgeEnv };
    backtrace?(options: { limit: number }): { id: string };
}

export class JavaProbe {
    readonly callSites: CallSiteMethod;
    private readonly module: CModule;
    private readonly callSiteFn: NativeFunction<number, [number]>;
    private readonly threadSlotFn: NativeFunction<number, [NativePointerValue, NativePointerValue, number, NativePointerValue]>;
    private readonly stringTextFn: NativeFunction<number, [NativePointerValue, NativePointerValue, number]>;
    private readonly classNameFn: NativeFunction<number, [NativePointerValue, NativePointerValue, number]>;
    private readonly sameObjectFn: NativeFunction<number, [NativePointerValue, NativePointerValue]>;
    private readonly globalRefFn: NativeFunction<NativePointer, [NativePointerValue]>;
    private readonly dropGlobalRefFn: NativeFunction<void, [NativePointerValue]>;
    /** The C struct `Probe`; kept here, as memory allocated from JavaScript lives only as long as its pointer. */
    private readonly state = Memory.alloc(PROBE_STRUCT_SIZE);
    private readonly tidOut = Memory.alloc(8);
    private readonly lengthOut = Memory.alloc(4);
    private readonly textOut = Memory.alloc(TEXT_CAPACITY * 2);
    private readonly threads: ThreadInfo[] = [];
    private readonly artSites = new Map<string, number>();
    private readonly bridge = Java as unknown as BridgeInternals;

    /** Must run on a thread attached to the VM (inside Java.perform). */
    constructor() {
        const env = this.bridge.vm.getEnv();
        // Room for the whole struct: the fields set here, then the C side's own state.
        const config = this.state;
        const set = (field: typeof CONFIG_FIELDS[number], value: NativePointer): void => {
            config.add(CONFIG_FIELDS.indexOf(field) * Process.pointerSize).writePointer(value);
        };
        const jvmti = this.bridge.api?.flavor === "jvm" ? this.bridge.api.jvmti?.handle ?? null : null;
        set("vm", this.bridge.vm.handle);
        if (jvmti !== null) {
            set("jvmti", jvmti);
            set("get_stack_trace", jvmti.readPointer().add((JVMTI_GET_STACK_TRACE - 1) * Process.pointerSize).readPointer());
            this.callSites = "jvmti";
        } else if (this.bridge.api?.flavor === "art" && typeof this.bridge.backtrace === "function") {
            this.callSites = "art-backtrace";
        } else {
            this.callSites = "full-stack";
        }
        const threadClass = this.globalClass(env, "java/lang/Thread");
        const classClass = this.globalClass(env, "java/lang/Class");
        set("thread_class", threadClass);
        set("current_thread", env.getStaticMethodId(threadClass, "currentThread", "()Ljava/lang/Thread;"));
        set("get_id", env.getMethodId(threadClass, "getId", "()J"));
        set("get_name", env.getMethodId(threadClass, "getName", "()Ljava/lang/String;"));
        set("class_get_name", env.getMethodId(classClass, "getName", "()Ljava/lang/String;"));
        env.throwIfExceptionPending();

        this.module = new CModule(SOURCE, { probe: config });
        const options: NativeFunctionOptions = { exceptions: "propagate", scheduling: "exclusive" };
        const symbol = (name: string): NativePointer => {
            const address = this.module[name];
            if (address === undefined) {
                throw new Error(`probe: ${name} missing from the CModule`);
            }
            return address;
        };
        this.callSiteFn = new NativeFunction(symbol("call_site"), "int", ["int"], options);
        this.threadSlotFn = new NativeFunction(symbol("thread_slot"), "int", ["pointer", "pointer", "int", "pointer"],
            options);
        this.stringTextFn = new NativeFunction(symbol("string_text"), "int", ["pointer", "pointer", "int"], options);
        this.classNameFn = new NativeFunction(symbol("class_name"), "int", ["pointer", "pointer", "int"], options);
        this.sameObjectFn = new NativeFunction(symbol("same_object"), "int", ["pointer", "pointer"], options);
        this.globalRefFn = new NativeFunction(symbol("global_ref"), "pointer", ["pointer"], options);
        this.dropGlobalRefFn = new NativeFunction(symbol("drop_global_ref"), "void", ["pointer"], options);
    }

    /**
     * The number of the current call site: equal numbers, equal stacks (the `depth` innermost frames by method
     * and bytecode position). -1 when sites cannot be told apart here: then every call needs its own stack.
     */
    callSite(depth: number): number {
        if (this.callSites === "jvmti") {
            return this.callSiteFn(depth);
        }
        if (this.callSites === "art-backtrace") {
            const id = (this.bridge.backtrace as NonNullable<BridgeInternals["backtrace"]>)({ limit: depth }).id;
            let site = this.artSites.get(id);
            if (site === undefined) {
                site = this.artSites.size;
                this.artSites.set(id, site);
            }
            return site;
        }
        return -1;
    }

    /** The current Java thread, or null when this thread is not one (or cannot be asked now). */
    currentThread(): ThreadInfo | null {
        const slot = this.threadSlotFn(this.tidOut, this.textOut, TEXT_CAPACITY, this.lengthOut);
        if (slot < 0) {
            return null;
        }
        if ((slot & SLOT_CHANGED) !== 0) {
            const index = slot & ~SLOT_CHANGED;
            const length = Math.min(this.lengthOut.readS32(), TEXT_CAPACITY);
            this.threads[index] = {
                tid: this.tidOut.readS64().toNumber(),
                tname: length > 0 ? this.textOut.readUtf16String(length) ?? "" : "",
            };
            return this.threads[index] as ThreadInfo;
        }
        return this.threads[slot] ?? null;
    }

    /** The text of a java.lang.String handle, cut to `limit` characters; `length` is its full length. */
    stringText(handle: NativePointer, limit: number): { text: string; length: number } {
        const length = this.stringTextFn(handle, this.textOut, TEXT_CAPACITY);
        if (length < 0) {
            throw new Error("no JNI environment on this thread");
        }
        const shown = Math.min(length, limit, TEXT_CAPACITY);
        return { text: shown > 0 ? this.textOut.readUtf16String(shown) ?? "" : "", length };
    }

    /** The binary name of an object's class (`java.util.ArrayList`, `[Ljava.lang.String;`). */
    className(handle: NativePointer): string {
        const length = this.classNameFn(handle, this.textOut, TEXT_CAPACITY);
        if (length < 0) {
            throw new Error("class name not readable");
        }
        return this.textOut.readUtf16String(Math.min(length, TEXT_CAPACITY)) ?? "";
    }

    /** JNI IsSameObject: the same Java object (any kind of reference). */
    sameObject(a: NativePointer, b: NativePointer): boolean {
        return this.sameObjectFn(a, b) !== 0;
    }

    /** A global reference to `handle`, valid on every thread until `dropGlobalRef`. */
    globalRef(handle: NativePointer): NativePointer {
        return this.globalRefFn(handle);
    }

    dropGlobalRef(handle: NativePointer): void {
        this.dropGlobalRefFn(handle);
    }

    private globalClass(env: BridgeEnv, name: string): NativePointer {
        const local = env.findClass(name);
        env.throwIfExceptionPending();
        const global = env.newGlobalRef(local);
        env.deleteLocalRef(local);
        return global;
    }
}
