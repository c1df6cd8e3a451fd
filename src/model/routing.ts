/** How a request picks among its version's idle environments (`model.routing`, D2). */
export const ROUTING_NAMES = ["mru", "lru", "random"] as const;
export type RoutingName = (typeof ROUTING_NAMES)[number];
/** ROUTING_NAMES by index: most recently used, least recently used, uniformly at random. */
export const Routing = { Mru: 0, Lru: 1, Random: 2 } as const;
