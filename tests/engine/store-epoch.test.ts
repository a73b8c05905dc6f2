// The store's epoch marker, judged hop by hop (the decision is docs/decisions/0009-session-store-loss.md).
import { keys } from '../../src/engine/session-store';
import { StoreEpoch } from '../../src/engine/store-epoch';

const WINDOW = 180_000;

function epochAt(start: number) {
  const clock = { now: start };
  return { clock, epoch: new StoreEpoch(WINDOW, () => clock.now) };
}

test('an instance that finds no marker on its first look trusts the store and writes the marker', () => {
  const { epoch } = epochAt(1_000);
  expect(epoch.judge(null)).toEqual({
    distrust: false,
    lost: false,
    write: { key: keys.epoch, value: '1000', persist: true },
  });
});

test('the marker gone after the instance saw it is a loss: distrusted for one session lifetime', () => {
  const { clock, epoch } = epochAt(1_000);
  expect(epoch.judge('1000')).toEqual({ distrust: false, lost: false });
  clock.now = 5_000;
  const lost = epoch.judge(null);
  expect(lost).toEqual({
    distrust: true,
    lost: true,
    write: { key: keys.epoch, value: String(5_000 + WINDOW), persist: true },
  });
  const marker = String(5_000 + WINDOW);
  clock.now = 5_000 + WINDOW - 1;
  expect(epoch.judge(marker)).toEqual({ distrust: true, lost: false });
  clock.now = 5_000 + WINDOW;
  expect(epoch.judge(marker)).toEqual({ distrust: false, lost: false });
});

test('a marker this instance wrote, once committed, counts as seen', () => {
  const { epoch } = epochAt(1_000);
  epoch.judge(null);
  epoch.written();
  expect(epoch.judge(null).lost).toBe(true);
});

test('a marker written by a hop that did not commit does not count: the next look is a first look again', () => {
  const { epoch } = epochAt(1_000);
  epoch.judge(null);
  expect(epoch.judge(null)).toMatchObject({ distrust: false, lost: false });
});
