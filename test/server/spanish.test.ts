/** The verb deck's conjugations: full forms, regular by rule, the sample's irregular verbs as listed. */
import { describe, expect, it } from 'vitest';
import { conjugate, conjugation, PERSONS, TENSES } from './spanish';

describe('conjugate', () => {
  it.each([
    ['hablar', 'presente', ['hablo', 'hablas', 'habla', 'hablamos', 'habláis', 'hablan']],
    ['comer', 'pretérito', ['comí', 'comiste', 'comió', 'comimos', 'comisteis', 'comieron']],
    ['vivir', 'imperfecto', ['vivía', 'vivías', 'vivía', 'vivíamos', 'vivíais', 'vivían']],
    ['tomar', 'futuro', ['tomaré', 'tomarás', 'tomará', 'tomaremos', 'tomaréis', 'tomarán']],
    ['escribir', 'condicional', ['escribiría', 'escribirías', 'escribiría', 'escribiríamos', 'escribiríais', 'escribirían']],
    ['hablar', 'subjuntivo', ['hable', 'hables', 'hable', 'hablemos', 'habléis', 'hablen']],
    ['tener', 'subjuntivo', ['tenga', 'tengas', 'tenga', 'tengamos', 'tengáis', 'tengan']],
    ['conocer', 'subjuntivo', ['conozca', 'conozcas', 'conozca', 'conozcamos', 'conozcáis', 'conozcan']],
    ['hacer', 'futuro', ['haré', 'harás', 'hará', 'haremos', 'haréis', 'harán']],
    ['salir', 'condicional', ['saldría', 'saldrías', 'saldría', 'saldríamos', 'saldríais', 'saldrían']],
    ['ser', 'imperfecto', ['era', 'eras', 'era', 'éramos', 'erais', 'eran']],
    ['ir', 'pretérito', ['fui', 'fuiste', 'fue', 'fuimos', 'fuisteis', 'fueron']],
    ['ver', 'imperfecto', ['veía', 'veías', 'veía', 'veíamos', 'veíais', 'veían']],
    ['ver', 'subjuntivo', ['vea', 'veas', 'vea', 'veamos', 'veáis', 'vean']],
    ['creer', 'pretérito', ['creí', 'creíste', 'creyó', 'creímos', 'creísteis', 'creyeron']],
    ['pensar', 'presente', ['pienso', 'piensas', 'piensa', 'pensamos', 'pensáis', 'piensan']],
    ['buscar', 'pretérito', ['busqué', 'buscaste', 'buscó', 'buscamos', 'buscasteis', 'buscaron']],
    ['decir', 'imperfecto', ['decía', 'decías', 'decía', 'decíamos', 'decíais', 'decían']],
  ] as const)('%s, %s', (verb, tense, forms) => {
    expect(PERSONS.map((_, p) => conjugate(verb, tense, p))).toEqual(forms);
  });

  it('the card back is the pronoun and the whole form, never a stem', () => {
    expect(conjugation('tener', 'pretérito', 2)).toBe('él/ella tuvo');
    expect(conjugation('hablar', 'presente', 0)).toBe('yo hablo');
    for (const tense of TENSES) for (let p = 0; p < 6; p++) expect(conjugation('llegar', tense, p)).not.toMatch(/…|\s\S{1,3}$/);
  });
});
