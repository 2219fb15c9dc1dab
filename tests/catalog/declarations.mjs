// Reads Android API declaration files (.d.ts from @nativescript/types-android) with the TypeScript compiler's own
// parser and prints one JSON index of every class: binary name, API levels, supertypes, methods and constructors.
//
//   node declarations.mjs HOOKS_DIR FILE.d.ts [FILE.d.ts ...]
//
// HOOKS_DIR is the npm project whose node_modules holds `typescript` (hooks/, installed by `npm ci`).
// Output: {"classes": {"android.provider.Settings$Secure": {"since": null, "removed": null, "abstract": false,
//   "interface": false, "extends": ["android.provider.Settings.NameValueTable"], "implements": [],
//   "methods": {"getString": [{"params": ["android.content.ContentResolver", "string"], "static": true,
//   "since": null, "removed": null}]}, "constructors": [...]}}}
// Type texts are the declarations' own (`number`, `androidNative.Array<string>`, `java.util.List<any>`); the
// Python side maps Java types onto them.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [hooksDir, ...files] = process.argv.slice(2);
if (!hooksDir || files.length === 0) {
    process.stderr.write("usage: node declarations.mjs HOOKS_DIR FILE.d.ts...\n");
    process.exit(2);
}
const ts = createRequire(path.resolve(hooksDir, "package.json"))("typescript");

const INTERFACE_NOTE = /Constructs a new instance of the \S+ interface/;
const REMOVED = /Removed in API (\d+)/;

/** API levels from a node's JSDoc: `@since N`, and `@deprecated Removed in API N` for removals. */
function levels(node) {
    let since = null;
    let removed = null;
    for (const tag of ts.getJSDocTags(node)) {
        const comment = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? "";
        if (tag.tagName.text === "since") {
            since = Number.parseInt(comment, 10);
        } else if (tag.tagName.text === "deprecated") {
            const match = REMOVED.exec(comment);
            if (match) {
                removed = Number.parseInt(match[1], 10);
            }
        }
    }
    return { since, removed };
}

function typeText(typeNode) {
    return typeNode ? typeNode.getText().replace(/\s+/g, " ") : "any";
}

function hasModifier(node, kind) {
    return (ts.getModifiers(node) ?? []).some(modifier => modifier.kind === kind);
}

function heritage(node, token) {
    const clause = (node.heritageClauses ?? []).find(item => item.token === token);
    return clause ? clause.types.map(type => type.expression.getText()) : [];
}

/** Classes by qualified name (dots only); outer classes are resolved to binary names at the end. */
const classes = new Map();

function addClass(qualified, node) {
    const interfaceNote = node.members.some(member => ts.isConstructorDeclaration(member)
            && ts.getJSDocCommentsAndTags(member).some(doc => INTERFACE_NOTE.test(doc.getText())));
    const existing = classes.get(qualified);
    const record = existing ?? {
        ...levels(node),
        abstract: hasModifier(node, ts.SyntaxKind.AbstractKeyword),
        interface: interfaceNote,
        extends: heritage(node, ts.SyntaxKind.ExtendsKeyword),
        implements: heritage(node, ts.SyntaxKind.ImplementsKeyword),
        methods: Object.create(null),
        constructors: [],
    };
    for (const member of node.members) {
        if (ts.isMethodDeclaration(member) && member.name && ts.isIdentifier(member.name)) {
            const overloads = record.methods[member.name.text] ?? (record.methods[member.name.text] = []);
            overloads.push({
                params: member.parameters.map(parameter => typeText(parameter.type)),
                static: hasModifier(member, ts.SyntaxKind.StaticKeyword),
                ...levels(member),
            });
        } else if (ts.isConstructorDeclaration(member)) {
            const params = member.parameters.map(parameter => typeText(parameter.type));
            // An interface's `constructor(implementation: {...})` is NativeScript's, not Java's.
            if (params.length === 1 && member.parameters[0].type && ts.isTypeLiteralNode(member.parameters[0].type)) {
                continue;
            }
            record.constructors.push({ params, static: false, ...levels(member) });
        }
    }
    classes.set(qualified, record);
}

function walk(statements, prefix) {
    for (const statement of statements) {
        if (ts.isModuleDeclaration(statement)) {
            let name = prefix.concat(statement.name.text);
            let body = statement.body;
            while (body && ts.isModuleDeclaration(body)) {
                name = name.concat(body.name.text);
                body = body.body;
            }
            if (body && ts.isModuleBlock(body)) {
                walk(body.statements, name);
            }
        } else if (ts.isClassDeclaration(statement) && statement.name) {
            addClass(prefix.concat(statement.name.text).join("."), statement);
        }
    }
}

for (const file of files) {
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(path.basename(file), text, ts.ScriptTarget.Latest, true);
    walk(source.statements, []);
}

function binaryName(qualified) {
    const parts = qualified.split(".");
    let name = parts[0];
    for (let index = 1; index < parts.length; index++) {
        name += (classes.has(parts.slice(0, index).join(".")) ? "$" : ".") + parts[index];
    }
    return name;
}

const output = {};
for (const [qualified, record] of classes) {
    output[binaryName(qualified)] = record;
}
process.stdout.write(JSON.stringify({ classes: output }));
