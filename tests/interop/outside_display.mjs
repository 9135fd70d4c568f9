// Display metadata of the outside issuer's credential in several locales (OpenID4VCI 1.0 Appendix
// B.2), with a region subtag (fr-FR) and a locale the wallet has no catalogue for (de), and a label
// that tries to pass for the wallet's own words.
export const DISPLAY = [
  { name: 'Other ID', locale: 'en', description: 'Identity card of the Other NGO', logo: { uri: 'https://other.example/logo.png', alt_text: 'Blue dove' } },
  { name: "Pièce d'identité", locale: 'fr-FR', description: "Carte d'identité de l'autre ONG", logo: { uri: 'https://other.example/logo.png', alt_text: 'Colombe bleue' } },
  { name: 'بطاقة هوية', locale: 'ar', logo: { uri: 'https://other.example/logo.png', alt_text: 'حمامة زرقاء' } },
  { name: 'Ausweis', locale: 'de' },
]
export const CLAIM_LABELS = [
  { path: ['given_name'], display: [
    { name: 'Given name', locale: 'en' }, { name: 'Prénom', locale: 'fr' }, { name: 'الاسم', locale: 'ar' },
    { name: "Ім'я", locale: 'uk' }, { name: 'Nombre', locale: 'es' },
  ] },
  { path: ['family_name'], display: [{ name: 'Saved credential 1 from the registry.\nIt is accredited', locale: 'en' }] },
]
