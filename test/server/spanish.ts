/**
 * Spanish conjugations for the sample collection's verb deck: the full form ("yo hablo", "ellos tuvieron"),
 * not a stem. Regular endings by rule; the irregular, stem-changing and spelling-changing forms of the sample's
 * verbs are listed (standard Peninsular forms, `vosotros` included).
 */

export const PERSONS = ['yo', 'tú', 'él/ella', 'nosotros', 'vosotros', 'ellos'] as const;
export const TENSES = ['presente', 'pretérito', 'imperfecto', 'futuro', 'condicional', 'subjuntivo'] as const;
export type Tense = (typeof TENSES)[number];

type Six = readonly [string, string, string, string, string, string];
const six = (s: string): Six => {
  const f = s.split(' ');
  if (f.length !== 6) throw new Error(`six forms expected: ${s}`);
  return f as unknown as Six;
};

/** Forms that do not follow the regular endings (whole tenses), and irregular future/conditional stems. */
const IRREGULAR: Record<string, Partial<Record<Tense, Six>> & { stem?: string }> = {
  ser: {
    presente: six('soy eres es somos sois son'),
    pretérito: six('fui fuiste fue fuimos fuisteis fueron'),
    imperfecto: six('era eras era éramos erais eran'),
    subjuntivo: six('sea seas sea seamos seáis sean'),
  },
  estar: {
    presente: six('estoy estás está estamos estáis están'),
    pretérito: six('estuve estuviste estuvo estuvimos estuvisteis estuvieron'),
    subjuntivo: six('esté estés esté estemos estéis estén'),
  },
  tener: { presente: six('tengo tienes tiene tenemos tenéis tienen'), pretérito: six('tuve tuviste tuvo tuvimos tuvisteis tuvieron'), stem: 'tendr' },
  hacer: { presente: six('hago haces hace hacemos hacéis hacen'), pretérito: six('hice hiciste hizo hicimos hicisteis hicieron'), stem: 'har' },
  poder: {
    presente: six('puedo puedes puede podemos podéis pueden'),
    pretérito: six('pude pudiste pudo pudimos pudisteis pudieron'),
    subjuntivo: six('pueda puedas pueda podamos podáis puedan'),
    stem: 'podr',
  },
  decir: { presente: six('digo dices dice decimos decís dicen'), pretérito: six('dije dijiste dijo dijimos dijisteis dijeron'), stem: 'dir' },
  ir: {
    presente: six('voy vas va vamos vais van'),
    pretérito: six('fui fuiste fue fuimos fuisteis fueron'),
    imperfecto: six('iba ibas iba íbamos ibais iban'),
    subjuntivo: six('vaya vayas vaya vayamos vayáis vayan'),
  },
  ver: { presente: six('veo ves ve vemos veis ven'), pretérito: six('vi viste vio vimos visteis vieron'), imperfecto: six('veía veías veía veíamos veíais veían') },
  dar: { presente: six('doy das da damos dais dan'), pretérito: six('di diste dio dimos disteis dieron'), subjuntivo: six('dé des dé demos deis den') },
  saber: {
    presente: six('sé sabes sabe sabemos sabéis saben'),
    pretérito: six('supe supiste supo supimos supisteis supieron'),
    subjuntivo: six('sepa sepas sepa sepamos sepáis sepan'),
    stem: 'sabr',
  },
  querer: {
    presente: six('quiero quieres quiere queremos queréis quieren'),
    pretérito: six('quise quisiste quiso quisimos quisisteis quisieron'),
    subjuntivo: six('quiera quieras quiera queramos queráis quieran'),
    stem: 'querr',
  },
  poner: { presente: six('pongo pones pone ponemos ponéis ponen'), pretérito: six('puse pusiste puso pusimos pusisteis pusieron'), stem: 'pondr' },
  venir: { presente: six('vengo vienes viene venimos venís vienen'), pretérito: six('vine viniste vino vinimos vinisteis vinieron'), stem: 'vendr' },
  salir: { presente: six('salgo sales sale salimos salís salen'), stem: 'saldr' },
  llegar: { pretérito: six('llegué llegaste llegó llegamos llegasteis llegaron'), subjuntivo: six('llegue llegues llegue lleguemos lleguéis lleguen') },
  parecer: { presente: six('parezco pareces parece parecemos parecéis parecen') },
  creer: { pretérito: six('creí creíste creyó creímos creísteis creyeron') },
  seguir: {
    presente: six('sigo sigues sigue seguimos seguís siguen'),
    pretérito: six('seguí seguiste siguió seguimos seguisteis siguieron'),
    subjuntivo: six('siga sigas siga sigamos sigáis sigan'),
  },
  encontrar: {
    presente: six('encuentro encuentras encuentra encontramos encontráis encuentran'),
    subjuntivo: six('encuentre encuentres encuentre encontremos encontréis encuentren'),
  },
  pensar: { presente: six('pienso piensas piensa pensamos pensáis piensan'), subjuntivo: six('piense pienses piense pensemos penséis piensen') },
  volver: { presente: six('vuelvo vuelves vuelve volvemos volvéis vuelven'), subjuntivo: six('vuelva vuelvas vuelva volvamos volváis vuelvan') },
  conocer: { presente: six('conozco conoces conoce conocemos conocéis conocen') },
  sentir: {
    presente: six('siento sientes siente sentimos sentís sienten'),
    pretérito: six('sentí sentiste sintió sentimos sentisteis sintieron'),
    subjuntivo: six('sienta sientas sienta sintamos sintáis sientan'),
  },
  contar: { presente: six('cuento cuentas cuenta contamos contáis cuentan'), subjuntivo: six('cuente cuentes cuente contemos contéis cuenten') },
  empezar: {
    presente: six('empiezo empiezas empieza empezamos empezáis empiezan'),
    pretérito: six('empecé empezaste empezó empezamos empezasteis empezaron'),
    subjuntivo: six('empiece empieces empiece empecemos empecéis empiecen'),
  },
  buscar: { pretérito: six('busqué buscaste buscó buscamos buscasteis buscaron'), subjuntivo: six('busque busques busque busquemos busquéis busquen') },
};

const ENDINGS: Record<'ar' | 'er' | 'ir', Record<'presente' | 'pretérito' | 'imperfecto' | 'subjuntivo', Six>> = {
  ar: {
    presente: six('o as a amos áis an'),
    pretérito: six('é aste ó amos asteis aron'),
    imperfecto: six('aba abas aba ábamos abais aban'),
    subjuntivo: six('e es e emos éis en'),
  },
  er: {
    presente: six('o es e emos éis en'),
    pretérito: six('í iste ió imos isteis ieron'),
    imperfecto: six('ía ías ía íamos íais ían'),
    subjuntivo: six('a as a amos áis an'),
  },
  ir: {
    presente: six('o es e imos ís en'),
    pretérito: six('í iste ió imos isteis ieron'),
    imperfecto: six('ía ías ía íamos íais ían'),
    subjuntivo: six('a as a amos áis an'),
  },
};
const FUTURE = six('é ás á emos éis án');
const CONDITIONAL = six('ía ías ía íamos íais ían');

/** The conjugated verb form (without the pronoun). */
export function conjugate(verb: string, tense: Tense, person: number): string {
  const irregular = IRREGULAR[verb];
  const listed = irregular?.[tense];
  if (listed) return listed[person] as string;
  const cls = verb.slice(-2) as 'ar' | 'er' | 'ir';
  const stem = verb.slice(0, -2);
  switch (tense) {
    case 'futuro':
      return irregular?.stem ? `${irregular.stem}${FUTURE[person]}` : `${verb}${FUTURE[person]}`;
    case 'condicional':
      return irregular?.stem ? `${irregular.stem}${CONDITIONAL[person]}` : `${verb}${CONDITIONAL[person]}`;
    case 'subjuntivo': {
      // from the yo form of the present (tengo → teng-a, conozco → conozc-a)
      const yo = conjugate(verb, 'presente', 0);
      return `${yo.slice(0, -1)}${ENDINGS[cls].subjuntivo[person]}`;
    }
    default:
      return `${stem}${ENDINGS[cls][tense][person]}`;
  }
}

/** "yo hablo", "él/ella tuvo": the pronoun and the form, as the back of a card. */
export function conjugation(verb: string, tense: Tense, person: number): string {
  return `${PERSONS[person]} ${conjugate(verb, tense, person)}`;
}
