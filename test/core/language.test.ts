import t from 'tap'
import { pickLanguage } from '../../src/core/language.js'

t.test('answers English when Accept-Language is absent or empty', async (t) => {
  t.equal(pickLanguage(undefined), 'en')
  t.equal(pickLanguage(''), 'en')
})

t.test('answers Spanish for the forms CONTRACT §1 names', async (t) => {
  t.equal(pickLanguage('es'), 'es')
  t.equal(pickLanguage('es-CO'), 'es')
  t.equal(pickLanguage('es-CO,es;q=0.9'), 'es')
})

t.test('reads language tags without regard to case or spaces', async (t) => {
  t.equal(pickLanguage('ES-co'), 'es')
  t.equal(pickLanguage('  es-CO ;  q=0.8 , en;q=0.5'), 'es')
})

t.test('answers English when English is preferred, by quality or by order', async (t) => {
  t.equal(pickLanguage('en'), 'en')
  t.equal(pickLanguage('en-US,es;q=0.5'), 'en')
  t.equal(pickLanguage('es;q=0.5,en;q=0.8'), 'en')
  t.equal(pickLanguage('en,es'), 'en')
  t.equal(pickLanguage('en;q=0.7,es;q=0.7'), 'en', 'equal quality: the first listed wins')
})

t.test('answers Spanish when Spanish is preferred over English', async (t) => {
  t.equal(pickLanguage('es,en'), 'es')
  t.equal(pickLanguage('en;q=0.3,es-CO;q=0.9'), 'es')
  t.equal(pickLanguage('fr-FR,fr;q=0.9,es;q=0.5'), 'es', 'other languages are skipped; es is the best of the two')
  t.equal(pickLanguage('fr,es;q=0.1,en;q=0.05'), 'es')
})

t.test('falls back to English for other languages and for refused ones', async (t) => {
  t.equal(pickLanguage('fr'), 'en')
  t.equal(pickLanguage('pt-BR,de;q=0.5'), 'en')
  t.equal(pickLanguage('*'), 'en')
  t.equal(pickLanguage('es;q=0'), 'en', 'q=0 means "not acceptable"')
  t.equal(pickLanguage('es;q=abc'), 'en', 'an unreadable quality is ignored')
  t.equal(pickLanguage('español'), 'en', 'a tag must be es or es-…, not merely start with es')
})

t.test('reads a header given as several values', async (t) => {
  t.equal(pickLanguage(['es-CO']), 'es')
  t.equal(pickLanguage(['en;q=0.2', 'es;q=0.9']), 'es')
})

t.test('gives the same answer for the same header every time', async (t) => {
  const header = 'es-CO,es;q=0.9,en;q=0.8'
  const answers = new Set(Array.from({ length: 5 }, () => pickLanguage(header)))
  t.same([...answers], ['es'])
})
