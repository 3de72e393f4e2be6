import { memoryHarness, singleNodeRedisHarness } from '../store/store-harness.ts';
import { storeCheckCases } from './store-check-cases.ts';

describe.each([memoryHarness, singleNodeRedisHarness])('store:check on $name', storeCheckCases);
