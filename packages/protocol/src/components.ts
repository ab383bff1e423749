/**
 * Components of a bot's message (docs/bots.md, "Interactive messages"): buttons and one
 * select menu under the text. Apart from interactions.ts so that models.ts can carry them
 * in a text message without an import cycle.
 */
import { Type, type Static } from 'typebox';

/** Most buttons on one message. */
export const MAX_BUTTONS = 5;
/** Most characters of a button's or a select option's label. */
export const MAX_LABEL_LENGTH = 80;
/** Most options of a select menu. */
export const MAX_SELECT_OPTIONS = 25;
/** A component's id, chosen by the bot: it comes back in the click's interaction. */
export const ComponentId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });

export const ButtonStyle = Type.Union([
  Type.Literal('primary'),
  Type.Literal('secondary'),
  Type.Literal('success'),
  Type.Literal('danger'),
]);
export type ButtonStyle = Static<typeof ButtonStyle>;

export const ButtonComponent = Type.Object(
  {
    type: Type.Literal('button'),
    id: ComponentId,
    label: Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH }),
    style: Type.Optional(ButtonStyle),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ButtonComponent = Static<typeof ButtonComponent>;

export const SelectOption = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 100 }),
    label: Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH }),
  },
  { additionalProperties: false },
);
export type SelectOption = Static<typeof SelectOption>;

export const SelectComponent = Type.Object(
  {
    type: Type.Literal('select'),
    id: ComponentId,
    placeholder: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH })),
    options: Type.Array(SelectOption, { minItems: 1, maxItems: MAX_SELECT_OPTIONS }),
  },
  { additionalProperties: false },
);
export type SelectComponent = Static<typeof SelectComponent>;

/**
 * What a bot's message may carry below its text: up to {@link MAX_BUTTONS} buttons and at
 * most one select menu; ids unique within the message. Only bots send them.
 */
export const Component = Type.Union([ButtonComponent, SelectComponent]);
export type Component = Static<typeof Component>;
export const Components = Type.Array(Component, { maxItems: MAX_BUTTONS + 1 });
