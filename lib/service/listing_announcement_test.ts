import assert from "node:assert/strict";
import type { TrackedSymbol } from "../market/tracked_symbol.ts";
import {
  announcedListing,
  asListingAnnouncement,
  LISTING_ANNOUNCEMENT_MAX,
  listingAnnouncements,
} from "./listing_announcement.ts";

function spot(base: string): TrackedSymbol {
  return { id: `${base}-USDT`, upstream: `${base}USDT`, category: "spot" };
}

function perp(base: string): TrackedSymbol {
  return {
    id: `${base}-USDT-PERP`,
    upstream: `${base}USDT`,
    category: "linear",
  };
}

Deno.test("listingAnnouncements - names what was added and removed; nothing for no change", () => {
  assert.deepEqual(
    listingAnnouncements("spot", { added: [], removed: [] }),
    [],
  );
  assert.deepEqual(
    listingAnnouncements("spot", {
      added: [spot("XRP")],
      removed: [spot("SOL")],
    }),
    [{
      kind: "listing",
      market: "spot",
      added: [["XRP-USDT", "XRPUSDT"]],
      removed: ["SOL-USDT"],
    }],
  );
});

Deno.test("listingAnnouncements - a whole market is cut into bounded parts", () => {
  const added = Array.from(
    { length: 2 * LISTING_ANNOUNCEMENT_MAX + 1 },
    (_, i) => perp(`C${i}`),
  );
  const parts = listingAnnouncements("linear", { added, removed: [] });
  assert.deepEqual(parts.map((p) => p.added.length), [
    LISTING_ANNOUNCEMENT_MAX,
    LISTING_ANNOUNCEMENT_MAX,
    1,
  ]);
  for (const part of parts) {
    assert.ok(JSON.stringify(part).length < 60_000, "fits one KV value");
  }
});

Deno.test("announcedListing - applying the parts in order gives the leader's listing", () => {
  const current = [spot("BTC"), spot("SOL"), perp("BTC")];
  const leader = [
    spot("BTC"),
    ...Array.from({ length: 700 }, (_, i) => spot(`N${i}`)),
  ];
  const parts = listingAnnouncements("spot", {
    added: leader.slice(1),
    removed: [spot("SOL")],
  });
  let followed = current;
  for (const part of parts) {
    const spotListing = announcedListing(followed, part);
    followed = [
      ...followed.filter((s) => s.category !== "spot"),
      ...spotListing,
    ];
  }
  assert.deepEqual(
    followed.filter((s) => s.category === "spot"),
    leader,
  );
  assert.deepEqual(followed.filter((s) => s.category === "linear"), [
    perp("BTC"),
  ]);
});

Deno.test("announcedListing - a repeated announcement changes nothing", () => {
  const event = listingAnnouncements("spot", {
    added: [spot("XRP")],
    removed: [spot("SOL")],
  })[0];
  const once = announcedListing([spot("BTC"), spot("SOL")], event);
  const twice = announcedListing(once, event);
  assert.deepEqual(twice, [spot("BTC"), spot("XRP")]);
});

Deno.test("asListingAnnouncement - accepts the shape, refuses anything else", () => {
  const good = {
    kind: "listing",
    market: "linear",
    added: [["X-USDT-PERP", "XUSDT"]],
    removed: ["Y-USDT-PERP"],
  };
  assert.deepEqual(asListingAnnouncement(good), good);
  assert.equal(
    asListingAnnouncement({ ...good, market: "inverse" }),
    undefined,
  );
  assert.equal(asListingAnnouncement({ ...good, added: [["X"]] }), undefined);
  assert.equal(asListingAnnouncement({ ...good, removed: [1] }), undefined);
  assert.equal(asListingAnnouncement({ ...good, added: "X" }), undefined);
});
