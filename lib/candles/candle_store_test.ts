import { MemoryCandleStore } from "./candle_store.ts";
import { candleStoreContract } from "./candle_store_contract.ts";

candleStoreContract(
  "MemoryCandleStore",
  () => Promise.resolve({ store: new MemoryCandleStore(), close: () => {} }),
);
