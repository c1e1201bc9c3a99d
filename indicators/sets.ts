// Every indicator set in force, one line per file of this folder. Adding a set is a new file
// beside this one and its line here: the registry (./index.ts), the API and the checks read the
// sets from this list and need no change.
export { default as gdtxHocKi } from "./gdtx-hoc-ki";
export { default as gdtxNamHoc } from "./gdtx-nam-hoc";
