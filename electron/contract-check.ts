/**
 * Type-level checks (no run-time code): `tsc` fails when the preload's API and the contract
 * drift apart — a request the contract has but the preload lacks, or a channel the preload
 * exposes that the contract does not know. Same idea as Comfy-Org/desktop's IPC channel test.
 */
import type { RequestName, RequestParams, RequestResults, StudioApi } from '../nodes/api/contract';
import type { REQUEST_NAMES } from './channels';
import type { DESKTOP_EXTRA_NAMES, DesktopApi } from './desktop-api';
import type { createDesktopApi } from './preload-api';

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** The preload's run-time list of request channels is exactly the contract's request names. */
export type ChannelListMatchesContract = Assert<Exactly<(typeof REQUEST_NAMES)[number], RequestName>>;

type Extra = (typeof DESKTOP_EXTRA_NAMES)[number];
type PreloadKeys = keyof ReturnType<typeof createDesktopApi>;

/** window.api holds exactly: one function per contract request + the listed desktop extras. */
export type PreloadKeysMatchContract = Assert<Exactly<PreloadKeys, RequestName | Extra>>;

/** The extras are disjoint from the contract's names (no shadowing of a request). */
export type ExtrasAreNotRequests = Assert<Exactly<Extract<Extra, RequestName>, never>>;

/** Each request function takes the contract's params and resolves with the contract's result. */
export type RequestSignaturesMatch = Assert<
  Exactly<
    { [K in RequestName]: DesktopApi[K] },
    { [K in RequestName]: (params: RequestParams<K>) => Promise<RequestResults[K]> }
  >
>;

/** The desktop API is a StudioApi: the renderer uses it wherever it uses browser mode's client. */
export type DesktopApiIsStudioApi = Assert<DesktopApi extends StudioApi ? true : false>;
