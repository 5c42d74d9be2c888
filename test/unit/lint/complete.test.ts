import { describe, expect, it } from 'vitest';
import { completionSpot, hoverSpot } from '../../../src/lint/complete';

const DOC = 'id: 1\ndeck: Japanese::N3\nnoteType: Basic\ntags: [vocab, jl]\nfields:\n  Front: <img src="ca"> [sound:he]\n  Back: "<img src=\\"ca"\n  \n';
const spot = (marker: string, shift = 0): ReturnType<typeof completionSpot> => completionSpot(DOC, DOC.indexOf(marker) + marker.length + shift);

describe('completionSpot', () => {
  it('deck and note type values', () => {
    expect(spot('deck: Jap')).toMatchObject({ kind: 'deck', prefix: 'Jap', start: DOC.indexOf('Japanese'), end: DOC.indexOf('Japanese') + 'Japanese::N3'.length });
    expect(spot('noteType: ')).toMatchObject({ kind: 'noteType', prefix: '' });
  });
  it('a tag inside the flow list', () => {
    expect(spot('[vocab, jl')).toMatchObject({ kind: 'tag', prefix: 'jl', start: DOC.indexOf('jl]'), end: DOC.indexOf('jl]') + 2 });
    expect(spot('[voc')).toMatchObject({ kind: 'tag', prefix: 'voc' });
  });
  it('media names after src=" (also escaped in a double-quoted value) and [sound:', () => {
    expect(spot('src="ca')).toMatchObject({ kind: 'media', prefix: 'ca' });
    expect(spot('src=\\"ca')).toMatchObject({ kind: 'media', prefix: 'ca' });
    expect(spot('[sound:he')).toMatchObject({ kind: 'media', prefix: 'he' });
  });
  it('a field name on an indented line under fields:', () => {
    expect(completionSpot(DOC, DOC.length - 1)).toMatchObject({ kind: 'fieldName', prefix: '', present: ['Front', 'Back'] });
    expect(spot('id: ')).toBeUndefined();
  });
});

describe('hoverSpot', () => {
  it('tag, deck and media under the cursor', () => {
    expect(hoverSpot(DOC, DOC.indexOf('vocab') + 1)).toMatchObject({ kind: 'tag', tag: 'vocab' });
    expect(hoverSpot(DOC, DOC.indexOf('Japanese') + 1)).toMatchObject({ kind: 'deck', deck: 'Japanese::N3' });
    expect(hoverSpot(DOC, DOC.indexOf('"ca"') + 2)).toMatchObject({ kind: 'media', name: 'ca', media: 'image' });
    expect(hoverSpot(DOC, DOC.indexOf('sound:he') + 7)).toMatchObject({ kind: 'media', name: 'he', media: 'sound' });
    expect(hoverSpot(DOC, 0)).toBeUndefined();
  });
});
