"""The local stack: template.yaml's routes and handlers served over HTTP with moto's DynamoDB."""
