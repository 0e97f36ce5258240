export {};
//# sourceMappingURL=dashboard-types.js.map