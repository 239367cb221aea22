/** Text for a LIKE pattern with `%`, `_` and `\` taken literally: what a person types is searched for as typed. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
