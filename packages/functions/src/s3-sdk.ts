/**
 * The part of the AWS SDK the upload store uses (s3-uploads.ts), in one module that is only
 * ever imported with `import()`. In the functions' bundles it is a bundle of its own
 * (infra/bundle.ts `s3Sdk`): built inside the API's, it would share chunks with the DynamoDB
 * client, and esbuild would then put S3's XML protocol, checksums and waiters (~20 KB) on every
 * cold start's path.
 */
export { S3Client, PutObjectCommand, GetObjectCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
export { getSignedUrl } from "@aws-sdk/s3-request-presigner";
