// "My profile": each section's state, filling a section one short screen per field, reviewing a saved
// section (paged) and editing one field without re-entering the rest. What is typed is kept in the
// journey's context until the section is confirmed, so a dropped call resumes on the field it was on.
import { assign, fromPromise, setup } from 'xstate';
import {
  SECTIONS,
  applicableFields,
  checkEntry,
  field,
  sectionFields,
  type FieldId,
  type ProfileValues,
  type SectionId,
} from '../src/domain/profile-fields';
import type { ProfileView, SaveResult } from '../src/domain/profiles';
import type { County, SubCounty } from '../src/domain/places';
import { displayPhone } from '../src/domain/phone';
import { sessionContext, type SessionContext } from './context';
import type { MenuServices } from './services';
import {
  INPUT,
  screen,
  type InputEvent,
  type JourneyOutput,
  type MenuInput,
  type OptionSpec,
  type ScreenSpec,
  type TextRef,
} from './screen';

type Context = SessionContext & {
  view?: ProfileView;
  counties?: County[];
  subCounties?: { county: string; list: SubCounty[] };
  section?: SectionId;
  /** The fields of this walk, the one being asked, and what was entered so far. */
  fields: FieldId[];
  fieldId?: FieldId;
  draft: ProfileValues;
  /** Editing one field of a saved section: saved as soon as it is entered. */
  editing: boolean;
  /** Back to the confirmation after this field (a refused national ID). */
  single: boolean;
  /** News of the last step ("Saved."). */
  notice?: TextRef;
  /** Why the last entry was refused (shown once, counted by the engine). */
  error?: TextRef;
  /** The profile was incomplete when the journey started a save: completing it is said once. */
  wasComplete?: boolean;
  next?: JourneyOutput;
};

type Events =
  | InputEvent
  | { type: 'PICK'; value: string }
  | { type: 'SECTION'; section: SectionId }
  | { type: 'SAVE' }
  | { type: 'EDIT' }
  | { type: 'EDIT_FIELD'; field: FieldId }
  | { type: 'APPLY' }
  | { type: 'OVERVIEW' }
  | { type: 'DELETE' };

/** A field and the ones that depend on it, asked together when it is edited. */
const DEPENDENTS: Partial<Record<FieldId, FieldId[]>> = {
  employer: ['tscNumber'],
  bankName: ['bankBranch', 'bankAccount'],
  county: ['subCounty'],
};

const merged = (ctx: Context): ProfileValues => ({ ...ctx.view?.values, ...ctx.draft });

/** What the resume prompt says was left unfinished: the section being filled. */
const sectionTask = (ctx: Context): TextRef =>
  ctx.section
    ? { key: 'task.profile', params: { section: { key: `profile.section.${ctx.section}` } } }
    : 'task.profileView';

const allComplete = (view?: ProfileView) => SECTIONS.every((s) => view?.complete[s]);

/** The next field of the walk that applies, given what is known now; undefined at the end. */
function nextField(ctx: Context, after?: FieldId): FieldId | undefined {
  const start = after ? ctx.fields.indexOf(after) + 1 : 0;
  const applicable = new Set(applicableFields(ctx.section as SectionId, merged(ctx)));
  return ctx.fields.slice(start).find((f) => applicable.has(f));
}

/** How a saved or entered value reads on a review screen. */
function shown(ctx: Context, id: FieldId, values: ProfileValues): string | { key: string } {
  const v = values[id];
  if (!v) return { key: 'profile.none' };
  const def = field(id);
  if (def.choices) return { key: `profile.choice.${v}` };
  if (def.kind === 'county') {
    return ctx.counties?.find((c) => c.code === v)?.name ?? ctx.view?.places.county ?? v;
  }
  if (def.kind === 'subCounty') {
    return ctx.subCounties?.list.find((s) => String(s.id) === v)?.name ?? ctx.view?.places.subCounty ?? v;
  }
  return v.startsWith('+') ? displayPhone(v) : v;
}

function reviewLines(ctx: Context, values: ProfileValues): TextRef[] {
  return applicableFields(ctx.section as SectionId, values).map((id) => ({
    key: 'profile.line',
    params: { label: { key: `profile.label.${id}` }, value: shown(ctx, id, values) },
  }));
}

function overviewScreen(ctx: Context): ScreenSpec {
  return {
    id: 'profile.overview',
    task: 'task.profileView',
    notice: ctx.notice,
    text: 'profile.title',
    options: [
      ...SECTIONS.map((s) => ({
        label: {
          key: 'profile.sectionStatus',
          params: {
            name: { key: `section.${s}` },
            status: { key: ctx.view?.complete[s] ? 'profile.done' : 'profile.missing' },
          },
        },
        event: { type: 'SECTION', section: s },
      })),
      // Last, and named plainly: the next screen says what it does before anything is done.
      { label: 'profile.delete', event: { type: 'DELETE' } },
    ],
  };
}

function fieldScreen(ctx: Context): ScreenSpec {
  const id = ctx.fieldId as FieldId;
  const def = field(id);
  const base = {
    id: `profile.field.${id}` as const,
    task: sectionTask(ctx),
    error: ctx.error,
    text: { key: `profile.ask.${id}`, params: { phone: displayPhone(ctx.phone) } },
  };
  const pick = (value: string, label: TextRef): OptionSpec => ({ label, event: { type: 'PICK', value } });
  if (def.choices) return { ...base, options: def.choices.map((c) => pick(c, `profile.choice.${c}`)) };
  if (def.kind === 'county')
    return { ...base, options: (ctx.counties ?? []).map((c) => pick(c.code, { literal: c.name })) };
  if (def.kind === 'subCounty') {
    return {
      ...base,
      options: (ctx.subCounties?.list ?? []).map((s) => pick(String(s.id), { literal: s.name })),
    };
  }
  // `1` is a shortcut on some fields (use the account's phone, skip an optional field).
  const min = def.shortcut ? 1 : (def.min ?? 1);
  return {
    ...base,
    input: { kind: def.kind === 'digits' ? 'digits' : 'text', min, max: def.max ?? 60, error: def.error },
  };
}

function confirmScreen(ctx: Context): ScreenSpec {
  return {
    id: 'profile.confirm',
    task: sectionTask(ctx),
    text: { key: 'profile.confirm', params: { section: { key: `profile.section.${ctx.section}` } } },
    lines: reviewLines(ctx, merged(ctx)),
    history: false,
    options: [{ label: 'profile.confirmSave', event: { type: 'SAVE' } }],
  };
}

function reviewScreen(ctx: Context): ScreenSpec {
  return {
    id: 'profile.review',
    task: sectionTask(ctx),
    notice: ctx.notice,
    text: `profile.section.${ctx.section}`,
    lines: reviewLines(ctx, ctx.view?.values ?? {}),
    options: [{ label: 'profile.editField', event: { type: 'EDIT' } }],
  };
}

function chooseFieldScreen(ctx: Context): ScreenSpec {
  const dependent = new Set(Object.values(DEPENDENTS).flat());
  return {
    id: 'profile.chooseField',
    task: sectionTask(ctx),
    text: 'profile.chooseField',
    options: applicableFields(ctx.section as SectionId, ctx.view?.values ?? {})
      .filter((id) => !dependent.has(id))
      .map((id) => ({ label: `profile.label.${id}`, event: { type: 'EDIT_FIELD', field: id } })),
  };
}

/** What the walk saves: the entered values, and emptied fields that no longer apply (no TSC number…). */
function toSave(ctx: Context): ProfileValues {
  const applicable = new Set(applicableFields(ctx.section as SectionId, merged(ctx)));
  const values: ProfileValues = {};
  for (const id of ctx.fields) values[id] = applicable.has(id) ? (ctx.draft[id] ?? '') : '';
  return values;
}

export function profileJourney(services: MenuServices) {
  return setup({
    types: {
      context: {} as Context,
      input: {} as MenuInput,
      events: {} as Events,
      output: {} as JourneyOutput,
    },
    actors: {
      load: fromPromise<ProfileView, { accountId: number }>(({ input }) =>
        services.profiles.load(input.accountId),
      ),
      counties: fromPromise<County[], void>(() => services.places.counties()),
      subCounties: fromPromise<SubCounty[], { county: string }>(({ input }) =>
        services.places.subCounties(input.county),
      ),
      save: fromPromise<SaveResult, { accountId: number; values: ProfileValues }>(({ input }) =>
        services.profiles.save(input.accountId, input.values),
      ),
    },
    guards: {
      sectionComplete: ({ context }, params: { section: SectionId }) =>
        Boolean(context.view?.complete[params.section]),
    },
  }).createMachine({
    id: 'profile',
    context: ({ input }) => ({
      ...sessionContext(input),
      fields: [],
      draft: {},
      editing: false,
      single: false,
    }),
    initial: 'loading',
    output: ({ context }) => context.next ?? {},
    states: {
      loading: {
        invoke: {
          src: 'load',
          input: ({ context }) => ({ accountId: context.accountId as number }),
          onDone: { target: 'overview', actions: assign({ view: ({ event }) => event.output }) },
        },
      },
      overview: {
        meta: screen<Context>(overviewScreen),
        on: {
          DELETE: { target: 'handOver', actions: assign({ next: { next: 'erase' } }) },
          SECTION: [
            {
              guard: { type: 'sectionComplete', params: ({ event }) => ({ section: event.section }) },
              target: 'review',
              actions: assign({ section: ({ event }) => event.section, notice: undefined }),
            },
            {
              target: 'route',
              actions: assign(({ event }) => ({
                section: event.section,
                fields: sectionFields(event.section),
                fieldId: undefined,
                draft: {},
                editing: false,
                single: false,
                notice: undefined,
                error: undefined,
              })),
            },
          ],
        },
      },
      // Works out what to ask next, loading the county lists when that is next.
      route: {
        always: [
          {
            guard: ({ context }) => context.fieldId === undefined && nextField(context) === undefined,
            target: 'overview',
          },
          {
            guard: ({ context }) => context.fieldId === undefined,
            target: 'route',
            reenter: true,
            actions: assign({ fieldId: ({ context }) => nextField(context) }),
          },
          {
            guard: ({ context }) => field(context.fieldId as FieldId).kind === 'county' && !context.counties,
            target: 'loadingCounties',
          },
          {
            guard: ({ context }) =>
              field(context.fieldId as FieldId).kind === 'subCounty' &&
              context.subCounties?.county !== merged(context).county,
            target: 'loadingSubCounties',
          },
          { target: 'asking' },
        ],
      },
      loadingCounties: {
        invoke: {
          src: 'counties',
          onDone: { target: 'route', actions: assign({ counties: ({ event }) => event.output }) },
        },
      },
      loadingSubCounties: {
        invoke: {
          src: 'subCounties',
          input: ({ context }) => ({ county: merged(context).county as string }),
          onDone: {
            target: 'route',
            actions: assign({
              subCounties: ({ context, event }) => ({
                county: merged(context).county as string,
                list: event.output,
              }),
            }),
          },
        },
      },
      asking: {
        meta: screen<Context>(fieldScreen),
        on: {
          [INPUT]: { target: 'checking' },
          PICK: { target: 'checking' },
        },
      },
      checking: {
        always: [
          {
            guard: ({ context, event }) =>
              !checkEntry(context.fieldId as FieldId, entryOf(event), entryContext(context)).ok,
            target: 'asking',
            actions: assign({
              error: ({ context, event }) => {
                const r = checkEntry(context.fieldId as FieldId, entryOf(event), entryContext(context));
                return r.ok ? undefined : { key: r.reason, params: r.params };
              },
            }),
          },
          {
            guard: ({ context, event }) => {
              const next = afterEntry(context, event);
              return next.fieldId === undefined;
            },
            target: 'walkDone',
            actions: assign(({ context, event }) => afterEntry(context, event)),
          },
          { target: 'route', actions: assign(({ context, event }) => afterEntry(context, event)) },
        ],
      },
      walkDone: {
        always: [{ guard: ({ context }) => context.editing, target: 'saving' }, { target: 'confirm' }],
      },
      confirm: {
        meta: screen<Context>(confirmScreen),
        on: { SAVE: 'saving' },
      },
      saving: {
        entry: assign({ wasComplete: ({ context }) => allComplete(context.view) }),
        invoke: {
          src: 'save',
          input: ({ context }) => ({ accountId: context.accountId as number, values: toSave(context) }),
          onDone: [
            {
              guard: ({ event }) => event.output.ok,
              target: 'reloading',
            },
            {
              target: 'route',
              actions: assign({
                fieldId: 'nationalId' as FieldId,
                single: true,
                error: 'profile.error.duplicateId',
              }),
            },
          ],
        },
      },
      reloading: {
        invoke: {
          src: 'load',
          input: ({ context }) => ({ accountId: context.accountId as number }),
          onDone: [
            {
              guard: ({ context }) => context.editing,
              target: 'review',
              actions: assign({ view: ({ event }) => event.output, notice: 'profile.saved', draft: {} }),
            },
            {
              // The last missing section saved: said, with the way to apply.
              guard: ({ context, event }) => !context.wasComplete && allComplete(event.output),
              target: 'complete',
              actions: assign({ view: ({ event }) => event.output, notice: undefined, draft: {} }),
            },
            {
              target: 'overview',
              actions: assign({ view: ({ event }) => event.output, notice: 'profile.saved', draft: {} }),
            },
          ],
        },
      },
      complete: {
        meta: screen<Context>({
          id: 'profile.complete',
          text: 'profile.complete',
          history: false,
          back: { type: 'OVERVIEW' },
          options: [{ label: 'main.apply', event: { type: 'APPLY' } }],
        }),
        on: {
          APPLY: { target: 'handOver', actions: assign({ next: { next: 'apply' } }) },
          OVERVIEW: 'overview',
        },
      },
      handOver: { type: 'final' },
      review: {
        meta: screen<Context>(reviewScreen),
        on: { EDIT: { target: 'chooseField', actions: assign({ notice: undefined }) } },
      },
      chooseField: {
        meta: screen<Context>(chooseFieldScreen),
        on: {
          EDIT_FIELD: {
            target: 'route',
            actions: assign(({ event }) => ({
              fields: [event.field, ...(DEPENDENTS[event.field] ?? [])],
              fieldId: event.field,
              draft: {},
              editing: true,
              single: false,
              notice: undefined,
              error: undefined,
            })),
          },
        },
      },
    },
  });
}

function entryOf(event: unknown): string {
  const e = event as { type: string; value?: string };
  return e.value ?? '';
}

function entryContext(ctx: Context) {
  return { accountPhone: ctx.phone, now: new Date(), values: merged(ctx) };
}

/** The context after a valid entry: the value kept, and the next field of the walk (if any). */
function afterEntry(ctx: Context, event: unknown): Partial<Context> {
  const id = ctx.fieldId as FieldId;
  const result = checkEntry(id, entryOf(event), entryContext(ctx));
  const draft = { ...ctx.draft, [id]: result.ok ? result.value : '' };
  const next = ctx.single ? undefined : nextField({ ...ctx, draft }, id);
  return { draft, fieldId: next, notice: undefined, error: undefined, single: false };
}
