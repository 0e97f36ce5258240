/** libpcap LINKTYPE_* values we decode (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE = {
    NULL: 0,
    ETHERNET: 1,
    RAW: 101,
    LOOP: 108,
    LINUX_SLL: 113,
    IPV4: 228,
    IPV6: 229,
    LINUX_SLL2: 276,
    PPP: 9,
};
//# sourceMappingURL=types.js.map