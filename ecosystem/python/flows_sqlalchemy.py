from ecoflow import flow
