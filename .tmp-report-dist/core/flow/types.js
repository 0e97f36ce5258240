/** What an analyzer asks for after it has been fed. */
export const Want = {
    /** keep delivering this direction */
    More: 0,
    /** nothing more from this direction (the flow keeps counting packets and bytes) */
    DoneDir: 1,
    /** nothing more from either direction: reassembly buffers are released */
    DoneFlow: 2,
};
/** Per-flow issue codes are capped at this many distinct entries. */
export const MAX_FLOW_ISSUES = 16;
export function addFlowIssue(flow, code) {
    if (flow.issues.length < MAX_FLOW_ISSUES && !flow.issues.includes(code))
        flow.issues.push(code);
}
//# sourceMappingURL=types.js.map