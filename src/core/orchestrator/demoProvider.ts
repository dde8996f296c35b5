// The model-provider id of Quartet's offline demo model (see demo/): attempts using it are labelled "demo model".

export const DEMO_PROVIDER_ID = 'quartet_demo';
