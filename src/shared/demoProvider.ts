// The model-provider id of Quartet's offline demo model (see demo/): attempts and trace sessions using it are labelled as the demo.

export const DEMO_PROVIDER_ID = 'quartet_demo';
